using MassTransit;
using Settlement.Orchestration.Saga;

namespace Settlement.IntegrationTests.SagaRepository;

/// <summary>
/// A small state machine over the real <see cref="SettlementState"/>, to exercise the saga repository without the real
/// settlement machine. A start for a trade that already started counts as a retry, so the tests can see that the
/// second of two simultaneous starts found the first one's row.
/// </summary>
public class RepositoryTestMachine : MassTransitStateMachine<SettlementState>
{
    public RepositoryTestMachine()
        : this(insertOnInitial: false)
    {
    }

    protected RepositoryTestMachine(bool insertOnInitial)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Start, e =>
        {
            e.CorrelateById(c => c.Message.TradeId);
            e.InsertOnInitial = insertOnInitial;
        });
        Event(() => LegRecorded, e => e.CorrelateById(c => c.Message.TradeId));
        Event(() => RetryCounted, e => e.CorrelateById(c => c.Message.TradeId));
        Event(() => Finish, e => e.CorrelateById(c => c.Message.TradeId));
        // By a property, not the id: MassTransit builds the query expression (rebuilt in 8.4.1 and 8.5.1) and the
        // repository's SendQuery translates it to SQL.
        Event(() => SymbolHalted, e => e.CorrelateBy(x => x.Symbol, c => c.Message.Symbol));

        Initially(
            When(Start)
                .Then(c =>
                {
                    c.Saga.Symbol = c.Message.Symbol;
                    c.Saga.Price = c.Message.Price;
                    c.Saga.Quantity = c.Message.Quantity;
                    c.Saga.ExecutedAt = c.Message.ExecutedAt;
                    c.Saga.SettlementStatus = SettlementStatus.Pending;
                })
                .Publish(c => new TestSettlementStarted { TradeId = c.Saga.CorrelationId })
                .ThenAsync(c => Task.Delay(c.Message.HoldTransaction))
                .TransitionTo(Started));

        During(Started,
            When(Start)
                .Then(c => c.Saga.SettlementRetryCount++),
            When(LegRecorded)
                .Then(c => c.Saga.CompletedLegs.Add(c.Message.Leg)),
            When(RetryCounted)
                .Then(c => c.Saga.SettlementRetryCount++),
            When(SymbolHalted)
                .Then(c => c.Saga.CompletedLegs.Add("halted")),
            When(Finish)
                .Then(c =>
                {
                    c.Saga.SettlementStatus = SettlementStatus.Settled;
                    c.Saga.SettledAt = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(2));
                })
                .Finalize());
    }

    public State Started { get; protected set; } = null!;

    public Event<StartTestSettlement> Start { get; protected set; } = null!;
    public Event<RecordTestLeg> LegRecorded { get; protected set; } = null!;
    public Event<CountTestRetry> RetryCounted { get; protected set; } = null!;
    public Event<FinishTestSettlement> Finish { get; protected set; } = null!;
    public Event<HaltTestSymbol> SymbolHalted { get; protected set; } = null!;
}

/// <summary>The same machine with <c>InsertOnInitial</c>: the repository inserts the row before the machine runs.</summary>
public class InsertingRepositoryTestMachine() : RepositoryTestMachine(insertOnInitial: true);

/// <summary>
/// The endpoint as the real definition will set it up: the in-memory outbox before the saga repository, and enough
/// concurrency for messages of one trade to race. No retry, so that a conflict the repository fails to prevent shows as a fault.
/// </summary>
public class RepositoryTestMachineDefinition : SagaDefinition<SettlementState>
{
    public RepositoryTestMachineDefinition() =>
        Endpoint(e =>
        {
            e.PrefetchCount = 64;
            e.ConcurrentMessageLimit = 32;
        });

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<SettlementState> sagaConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseInMemoryOutbox(context);
}
