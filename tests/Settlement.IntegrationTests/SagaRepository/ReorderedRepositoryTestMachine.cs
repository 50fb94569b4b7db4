using MassTransit;
using Settlement.Orchestration.Saga;

namespace Settlement.IntegrationTests.SagaRepository;

/// <summary>
/// A later version of <see cref="RepositoryTestMachine"/>: a new state declared before <c>Started</c>. Had the state
/// been stored as a number (its declaration order), records written by the old machine would now read as <c>Waiting</c>.
/// </summary>
public class ReorderedRepositoryTestMachine : MassTransitStateMachine<SettlementState>
{
    public ReorderedRepositoryTestMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => LegRecorded, e => e.CorrelateById(c => c.Message.TradeId));

        During(Started,
            When(LegRecorded)
                .Then(c => c.Saga.CompletedLegs.Add(c.Message.Leg)));
        During(Waiting,
            Ignore(LegRecorded));
    }

    public State Waiting { get; private set; } = null!;
    public State Started { get; private set; } = null!;

    public Event<RecordTestLeg> LegRecorded { get; private set; } = null!;
}
