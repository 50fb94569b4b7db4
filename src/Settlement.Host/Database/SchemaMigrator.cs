using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Settlement.Host.Database;

/// <summary>
/// Applies the versioned SQL scripts that each module embeds as <c>Schema/NNN_name.sql</c>, in version order, once.
/// All of it runs in one transaction under a transaction-scoped advisory lock, so two processes starting at once
/// apply each script exactly once, and running it again changes nothing.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The modules whose schemas the service needs, in dependency order.</summary>
    public static readonly Assembly[] Modules =
    [
        typeof(Wallet.WalletDbContext).Assembly,
        typeof(Orchestration.SettlementDbContext).Assembly,
    ];

    // Any fixed number works; it only has to be the same in every process of this service.
    const long MigrationLockKey = 0x5E771E;

    public static async Task ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS public.schema_migrations (
                module     text        NOT NULL,
                version    integer     NOT NULL,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (module, version))
            """, cancellationToken);

        foreach (var module in Modules)
        {
            var moduleName = module.GetName().Name!;
            var applied = await AppliedVersionsAsync(connection, transaction, moduleName, cancellationToken);

            foreach (var script in ScriptsOf(module).OrderBy(s => s.Version).Where(s => !applied.Contains(s.Version)))
            {
                await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
                await using var record = new NpgsqlCommand(
                    "INSERT INTO public.schema_migrations (module, version, name) VALUES ($1, $2, $3)", connection, transaction);
                record.Parameters.Add(new NpgsqlParameter { Value = moduleName });
                record.Parameters.Add(new NpgsqlParameter { Value = script.Version });
                record.Parameters.Add(new NpgsqlParameter { Value = script.Name });
                await record.ExecuteNonQueryAsync(cancellationToken);

                logger.LogInformation("Applied schema script {Module} {Version} {ScriptName}", moduleName, script.Version, script.Name);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    sealed record Script(int Version, string Name, string Sql);

    static IEnumerable<Script> ScriptsOf(Assembly module)
    {
        const string marker = ".Schema.";
        foreach (var resource in module.GetManifestResourceNames().Where(n => n.Contains(marker) && n.EndsWith(".sql")))
        {
            var name = resource[(resource.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^".sql".Length];
            var digits = new string(name.TakeWhile(char.IsDigit).ToArray());
            if (digits.Length == 0)
                throw new InvalidOperationException($"Schema script {resource} must start with its version number, like 001_name.sql.");

            using var stream = module.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return new Script(int.Parse(digits), name, reader.ReadToEnd());
        }
    }

    static async Task<HashSet<int>> AppliedVersionsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string module, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM public.schema_migrations WHERE module = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = module });
        var versions = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            versions.Add(reader.GetInt32(0));
        return versions;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
