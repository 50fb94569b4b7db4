using System.Net.Http.Headers;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using Settlement.Testing;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Settlement.EndToEndTests.Stack;

/// <summary>
/// A build candidate as QA runs it: PostgreSQL, RabbitMQ (management and shovel plugins) and the service's own image, in
/// containers on a network of their own, reached only through published loopback ports: the admin API, the broker and its
/// management API. One stack per test collection; <see cref="DisposeAsync"/> removes every container and the network
/// (Testcontainers' reaper is off where its image cannot be pulled).
/// </summary>
public class SettlementStack : IAsyncLifetime
{
    public const string Label = "org.settlement.e2e";
    public const ushort ApiPort = 8080;
    const ushort AmqpPort = 5672;
    const ushort ManagementPort = 15672;
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    static readonly byte[] EnabledPlugins =
        "[rabbitmq_management,rabbitmq_prometheus,rabbitmq_shovel,rabbitmq_shovel_management].\n"u8.ToArray();

    readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    readonly string _databasePassword = Secret();
    readonly string _brokerPassword = Secret();
    readonly List<IContainer> _services = [];
    INetwork _network = null!;

    public StackImages Images { get; } = StackImages.FromEnvironment();
    public string ApiKey { get; } = Secret();
    public PostgreSqlContainer Postgres { get; private set; } = null!;
    public RabbitMqContainer RabbitMq { get; private set; } = null!;

    /// <summary>The service containers: one with every role, unless a derived stack splits them.</summary>
    public IReadOnlyList<IContainer> Services => _services;

    /// <summary>The container whose API the tests call: the first service container.</summary>
    public IContainer Service => _services[0];

    /// <summary>The <c>Service:Roles</c> of each service container to start.</summary>
    protected virtual IReadOnlyList<string> Roles => ["saga,wallet"];

    /// <summary>Settings of the service beyond the connections: none unless a derived stack needs them.</summary>
    protected virtual IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>();

    /// <summary><c>amqp://user:password@localhost:port/</c>: the broker as the matching engine reaches it.</summary>
    public Uri BrokerUri => new($"amqp://settlement:{_brokerPassword}@localhost:{RabbitMq.GetMappedPublicPort(AmqpPort)}/");

    /// <summary>The management UI and HTTP API, with the broker user's credentials.</summary>
    public Uri ManagementUri => new($"http://settlement:{_brokerPassword}@localhost:{RabbitMq.GetMappedPublicPort(ManagementPort)}/");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        _network = new NetworkBuilder().WithName($"settlement-e2e-{_run}").WithLabel(Label, _run).Build();
        await _network.CreateAsync(timeout.Token);

        Postgres = new PostgreSqlBuilder(Images.Postgres)
            .WithImagePullPolicy(Images.PullPolicy)
            .WithName($"settlement-e2e-{_run}-postgres").WithLabel(Label, _run)
            .WithNetwork(_network).WithNetworkAliases("postgres")
            .WithUsername("settlement").WithPassword(_databasePassword).WithDatabase("settlement")
            .WithCommand("-c", "max_connections=300")
            .Build();
        RabbitMq = new RabbitMqBuilder(Images.RabbitMq)
            .WithImagePullPolicy(Images.PullPolicy)
            .WithName($"settlement-e2e-{_run}-rabbitmq").WithLabel(Label, _run)
            .WithNetwork(_network).WithNetworkAliases("rabbitmq")
            .WithUsername("settlement").WithPassword(_brokerPassword)
            .WithResourceMapping(EnabledPlugins, "/etc/rabbitmq/enabled_plugins")
            .WithPortBinding(ManagementPort, true)
            .Build();
        await Task.WhenAll(Postgres.StartAsync(timeout.Token), RabbitMq.StartAsync(timeout.Token));

        // One after the other: each applies the schema at start, and the first one creates it.
        foreach (var roles in Roles)
        {
            var service = ServiceContainer($"service-{_services.Count}", Settings(roles));
            _services.Add(service);
            await service.StartAsync(timeout.Token);
        }
    }

    /// <summary>The service's settings as an operator sets them: environment variables.</summary>
    public Dictionary<string, string> Settings(string roles)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Settlement"] =
                $"Host=postgres;Port=5432;Username=settlement;Password={_databasePassword};Database=settlement;Maximum Pool Size=100",
            ["RabbitMq__Uri"] = $"amqp://settlement:{_brokerPassword}@rabbitmq:5672/",
            ["RabbitMq__ManagementUri"] = $"http://settlement:{_brokerPassword}@rabbitmq:15672/",
            ["Api__Key"] = ApiKey,
            ["Service__Roles"] = roles,
        };
        foreach (var (key, value) in ExtraSettings)
            settings[key] = value;
        return settings;
    }

    /// <summary>
    /// A container of the service's image on the stack's network with these settings, not yet started. Started, it is
    /// ready when <c>/health/ready</c> answers 200 (the database answers and the bus is connected), unless
    /// <paramref name="waitUntilReady"/> is false: then starting returns once the process runs.
    /// </summary>
    public IContainer ServiceContainer(string name, IReadOnlyDictionary<string, string> settings, bool waitUntilReady = true)
    {
        var ready = Wait.ForUnixContainer();
        return new ContainerBuilder(Images.Service)
            .WithImagePullPolicy(Images.PullPolicy)
            .WithName($"settlement-e2e-{_run}-{name}").WithLabel(Label, _run)
            .WithNetwork(_network)
            .WithEnvironment(settings)
            .WithPortBinding(ApiPort, true)
            .WithWaitStrategy(waitUntilReady ? ready.UntilHttpRequestIsSucceeded(request => request.ForPort(ApiPort).ForPath("/health/ready")) : ready)
            .Build();
    }

    /// <summary>The admin API of <paramref name="service"/> (default: <see cref="Service"/>), signed in with the key; dispose it.</summary>
    public HttpClient Api(IContainer? service = null)
    {
        var client = new HttpClient
        {
            BaseAddress = new Uri($"http://localhost:{(service ?? Service).GetMappedPublicPort(ApiPort)}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public RabbitMqManagement Management() => new(ManagementUri);

    /// <summary>SIGKILL to the container's main process, as the kernel's OOM killer or a pulled plug would; returns once it is gone.</summary>
    public static Task KillAsync(IContainer container) =>
        WithDockerAsync(docker => docker.Containers.KillContainerAsync(container.Id, new ContainerKillParameters { Signal = "KILL" }));

    /// <summary>Freezes every process of the container (cgroup freezer): it neither consumes nor answers until <see cref="UnpauseAsync"/>.</summary>
    public static Task PauseAsync(IContainer container) =>
        WithDockerAsync(docker => docker.Containers.PauseContainerAsync(container.Id));

    public static Task UnpauseAsync(IContainer container) =>
        WithDockerAsync(docker => docker.Containers.UnpauseContainerAsync(container.Id));

    /// <summary>Starts a stopped or killed service container again and waits until it is ready.</summary>
    public static async Task RestartAsync(IContainer container)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await container.StartAsync(timeout.Token);
    }

    /// <summary>The container's standard output and error so far, as <c>docker logs</c> shows them.</summary>
    public static async Task<string> LogsAsync(IContainer container)
    {
        var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false);
        return stdout + stderr;
    }

    public async Task DisposeAsync()
    {
        foreach (var container in _services.AsEnumerable().Reverse().Concat<IContainer?>([RabbitMq, Postgres]))
        {
            if (container is not null)
                await container.DisposeAsync();
        }

        if (_network is not null)
            await _network.DisposeAsync();
    }

    static async Task WithDockerAsync(Func<IDockerClient, Task> action)
    {
        using var docker = TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.NewGuid()).Build();
        await action(docker);
    }

    static string Secret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
