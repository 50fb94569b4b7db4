using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;

namespace Settlement.IntegrationTests.SagaRepository;

/// <summary>
/// A new service provider with MassTransit's test harness (in-memory transport) and <typeparamref name="TMachine"/>
/// kept in the real PostgreSQL through <see cref="SettlementPersistenceRegistration.PostgresRepository"/>.
/// </summary>
sealed class SagaTestHost<TMachine> : IAsyncDisposable
    where TMachine : class, SagaStateMachine<SettlementState>
{
    readonly ServiceProvider _provider;

    SagaTestHost(ServiceProvider provider)
    {
        _provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<TMachine, SettlementState>();
    }

    public ITestHarness Harness { get; }
    public ISagaStateMachineTestHarness<TMachine, SettlementState> Saga { get; }
    public TMachine Machine => Saga.StateMachine;
    public IServiceProvider Services => _provider;

    public static async Task<SagaTestHost<TMachine>> StartAsync(string connectionString)
    {
        var provider = new ServiceCollection()
            .AddSingleton<StartedRowProbe>()
            .AddMassTransitTestHarness(x =>
            {
                x.AddSagaStateMachine<TMachine, SettlementState, RepositoryTestMachineDefinition>()
                    .PostgresRepository(connectionString);
                x.AddConsumer<StartedRowProbeConsumer>();
            })
            .BuildServiceProvider(true);

        var host = new SagaTestHost<TMachine>(provider);
        await host.Harness.Start();
        return host;
    }

    public Task Publish<T>(T message)
        where T : class =>
        Harness.Bus.Publish(message);

    /// <summary>
    /// True when consuming any message failed. Asks the bus' list, not the saga harness' one: the saga harness records a
    /// message when the state machine is done with it, before the repository saves and commits, so it misses their failures.
    /// Waits until the bus has been idle a moment when nothing failed.
    /// </summary>
    public bool AnyConsumeFaulted() => Harness.Consumed.Select(x => x.Exception is not null).Any();

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}
