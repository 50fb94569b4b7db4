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
    const int CliDistributionPortMin = 35672;
    const int CliDistributionPortMax = 35682;

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

        /// <summary>A cluster's nodes: AMQP, management and distribution port of each (empty for a single node).</summary>
        public IReadOnlyList<(int Amqp, int Management, int Distribution)> ClusterNodes { get; init; } = [];
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

    static async Task<TestServers> StartLocalAsync(string name, CancellationToken cancellationToken, int clusterNodes = 0)
    {
        await RunPrepared.Value;
        var nodes = Math.Max(clusterNodes, 1);
        var ports = FreeLoopbackPorts(1 + (3 * nodes));
        var local = new LocalServers(Path.Combine(RunFolder, name), ports[0], ports[1], ports[1 + nodes], ports[1 + (2 * nodes)])
        {
            ClusterNodes = clusterNodes == 0 ? [] : [.. Enumerable.Range(0, nodes).Select(i => (ports[1 + i], ports[1 + nodes + i], ports[1 + (2 * nodes) + i]))],
        };
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
            var rabbitMq = clusterNodes == 0 ? servers.StartRabbitMqAsync(cancellationToken) : servers.StartRabbitMqClusterAsync(cancellationToken);
            await Task.WhenAll(servers.StartPostgresAsync(cancellationToken), rabbitMq);
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

    /// <summary>
    /// Ports that are free right now: the listeners all hold theirs until every port is chosen, so they differ. None is in
    /// 35672-35682, where RabbitMQ's CLI tools take their own distribution port while a node starts.
    /// </summary>
    static int[] FreeLoopbackPorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            var ports = new List<int>();
            while (ports.Count < count)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (port is < CliDistributionPortMin or > CliDistributionPortMax)
                    ports.Add(port);
            }

            return [.. ports];
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }

    static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
