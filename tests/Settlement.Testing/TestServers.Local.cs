using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Settlement.Host.Database;

namespace Settlement.Testing;

/// <summary>
/// Private servers started through <c>deploy/servers.sh</c>, each set in <c>$TMPDIR/settlement-tests/PID/NAME</c>.
/// When the process exits, its folder and servers go; a run that died without that is cleaned up by the next one.
/// </summary>
public sealed partial class TestServers : IAsyncDisposable
{
    const string DatabaseName = "settlement";

    static readonly string RunsFolder = Path.Combine(Path.GetTempPath(), "settlement-tests");
    static readonly string RunFolder = Path.Combine(RunsFolder, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    static readonly Lazy<Task> RunPrepared = new(PrepareRunAsync);
    static int s_privateCount;

    LocalServers? _local;
    bool _isShared;

    sealed record LocalServers(string Folder, int PostgresPort, int AmqpPort, int ManagementPort, int DistributionPort)
    {
        public string PostgresFolder => Path.Combine(Folder, "postgres");
        public string RabbitMqFolder => Path.Combine(Folder, "rabbitmq");
    }

    /// <summary>
    /// Servers of the caller's own, for tests that stop and start them: <see cref="SharedAsync"/>'s servers serve every
    /// test running in parallel. Always private servers, whatever the environment variables say; dispose them.
    /// </summary>
    public static Task<TestServers> StartPrivateAsync(CancellationToken cancellationToken = default) =>
        StartLocalAsync($"private-{Interlocked.Increment(ref s_privateCount)}", cancellationToken);

    /// <summary>Shuts PostgreSQL down (fast mode); its data stays for <see cref="StartPostgresAsync"/>.</summary>
    public Task StopPostgresAsync(CancellationToken cancellationToken = default) =>
        ServersScript.RunAsync(cancellationToken, "stop-postgres", Local.PostgresFolder);

    /// <summary>Starts PostgreSQL again on the same port with the same data; returns once it accepts connections.</summary>
    public Task StartPostgresAsync(CancellationToken cancellationToken = default) =>
        ServersScript.RunAsync(cancellationToken, "start-postgres", Local.PostgresFolder, Text(Local.PostgresPort));

    /// <summary>Stops the RabbitMQ node cleanly; its durable queues and persistent messages stay for <see cref="StartRabbitMqAsync"/>.</summary>
    public Task StopRabbitMqAsync(CancellationToken cancellationToken = default) =>
        ServersScript.RunAsync(cancellationToken, "stop-rabbitmq", Local.RabbitMqFolder);

    /// <summary>Starts the RabbitMQ node again on the same ports with the same data; returns once it has booted.</summary>
    public Task StartRabbitMqAsync(CancellationToken cancellationToken = default) =>
        ServersScript.RunAsync(cancellationToken, "start-rabbitmq", Local.RabbitMqFolder,
            Text(Local.AmqpPort), Text(Local.ManagementPort), Text(Local.DistributionPort));

    /// <summary>Removes servers from <see cref="StartPrivateAsync"/>. The shared servers stay until the process exits.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_local is not null && !_isShared)
            await ServersScript.RunAsync(CancellationToken.None, "remove", _local.Folder);
    }

    LocalServers Local => _local ?? throw new NotSupportedException(
        "These servers come from the SETTLEMENT_TEST_* environment variables: the fixture cannot stop or start them. " +
        "Use TestServers.StartPrivateAsync() for servers of your own.");

    static async Task<TestServers> StartLocalAsync(string name, CancellationToken cancellationToken)
    {
        await RunPrepared.Value;
        var ports = FreeLoopbackPorts(4);
        var local = new LocalServers(Path.Combine(RunFolder, name), ports[0], ports[1], ports[2], ports[3]);
        var servers = new TestServers
        {
            _local = local,
            PostgresConnectionString = PostgresConnectionStringFor(local.PostgresPort, DatabaseName),
            RabbitMqUri = new Uri($"amqp://guest:guest@127.0.0.1:{local.AmqpPort}/"),
            RabbitMqManagementUri = new Uri($"http://guest:guest@127.0.0.1:{local.ManagementPort}/"),
        };

        try
        {
            CreateReachableFolder(local.Folder);
            await Task.WhenAll(servers.StartPostgresAsync(cancellationToken), servers.StartRabbitMqAsync(cancellationToken));
            await CreateDatabaseAsync(local.PostgresPort, cancellationToken);
            await SchemaMigrator.ApplyAsync(servers.PostgresConnectionString, NullLogger.Instance, cancellationToken);
            return servers;
        }
        catch
        {
            await ServersScript.RunAsync(CancellationToken.None, "remove", local.Folder);
            throw;
        }
    }

    /// <summary>Once per process: removes what runs that died left behind, and has this run's servers removed at exit.</summary>
    static async Task PrepareRunAsync()
    {
        CreateReachableFolder(RunsFolder);
        await ServersScript.RunAsync(CancellationToken.None, "reap", RunsFolder);
        CreateReachableFolder(RunFolder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                ServersScript.RunAsync(CancellationToken.None, "remove", RunFolder).GetAwaiter().GetResult();
            }
            catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
            {
                // Nothing more can be done in a process that is exiting: the next run's reap removes what is left.
                Console.Error.WriteLine(exception.Message);
            }
        };
    }

    // The servers run as the postgres and rabbitmq users when the tests run as root: they must be able to reach their folders.
    static void CreateReachableFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    static async Task CreateDatabaseAsync(int port, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionStringFor(port, "postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static string PostgresConnectionStringFor(int port, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    /// <summary>Ports that are free right now: the listeners all hold theirs until every port is chosen, so they differ.</summary>
    static int[] FreeLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            return listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }

    static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
