using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;
using Settlement.Orchestration;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Saga;
using Settlement.Testing;

namespace Settlement.UnitTests.Saga;

/// <summary>The settlement saga on MassTransit's in-memory test harness, with a scripted wallet.</summary>
public sealed class SagaHarness : IAsyncDisposable
{
    public static readonly Guid FeeWallet = new("00000000-0000-0000-0000-000000000001");

    readonly ServiceProvider _provider;

    SagaHarness(ServiceProvider provider)
    {
        _provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<SettlementStateMachine, SettlementState>();
        Machine = provider.GetRequiredService<SettlementStateMachine>();
        Wallet = provider.GetRequiredService<WalletScript>();
    }

    public ITestHarness Harness { get; }
    public ISagaStateMachineTestHarness<SettlementStateMachine, SettlementState> Saga { get; }
    public SettlementStateMachine Machine { get; }
    public WalletScript Wallet { get; }

    /// <param name="configure">Further registrations, such as observers of the state machine.</param>
    public static async Task<SagaHarness> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<WalletScript>()
            .Configure<SettlementOptions>(o =>
            {
                o.InitialRetryInterval = TimeSpan.FromMilliseconds(20);
                o.MaxRetryInterval = TimeSpan.FromMilliseconds(80);
            })
            .AddMassTransitTestHarness(x =>
            {
                x.DisableUsageTelemetry();
                x.AddSettlementSaga();
                x.AddConsumer<ScriptedWallet, ScriptedWalletDefinition>();
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.ConfigureEndpoints(context);
                    cfg.ConfigureSettlementReplyEndpoint(context);
                });
            });
        configure?.Invoke(services);

        var harness = new SagaHarness(services.BuildServiceProvider(validateScopes: true));
        await harness.Harness.Start();
        return harness;
    }

    public Task Publish(TradeExecuted trade) => Harness.Bus.Publish(trade);

    /// <summary>Waits until the trade's record is in <paramref name="state"/> and returns it.</summary>
    public async Task<SettlementState> WaitFor(Guid tradeId, Func<SettlementStateMachine, State> state)
    {
        var found = await Saga.Exists(tradeId, state, TimeSpan.FromSeconds(10));
        Assert.True(found.HasValue, $"trade {tradeId} never reached {state(Machine).Name}; it is {Saga.Sagas.Contains(tradeId)?.CurrentState ?? "missing"}");
        return Saga.Sagas.Contains(tradeId)!;
    }

    /// <summary>Sends a message to the saga's queue as if the wallet had answered.</summary>
    public async Task SendToSaga<T>(T message)
        where T : class
    {
        var endpoint = await Harness.Bus.GetSendEndpoint(new Uri("queue:settlement"));
        await endpoint.Send(message);
    }

    /// <summary>Sends a wallet command again with the saga as its reply address, as a dead-letter replay does.</summary>
    public async Task ReplayToWallet(object command)
    {
        var endpoint = await Harness.Bus.GetSendEndpoint(new Uri("queue:wallet"));
        var saga = new Uri(Harness.Bus.Address, "settlement");
        await endpoint.Send(command, Pipe.Execute<SendContext>(c => c.ResponseAddress = c.FaultAddress = saga));
    }

    /// <summary>Polls <paramref name="condition"/> for up to ten seconds.</summary>
    public static Task WaitUntil(Func<bool> condition) =>
        Poll.UntilAsync(condition, TimeSpan.FromSeconds(10), () => "the condition never came true");

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}
