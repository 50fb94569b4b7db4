using MassTransit;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration;

public static class SettlementRegistration
{
    /// <summary>
    /// Registers the settlement saga on its endpoint. The caller picks the repository: the PostgreSQL one in the service,
    /// the in-memory one (MassTransit's default) in harness tests.
    /// </summary>
    public static ISagaRegistrationConfigurator<SettlementState> AddSettlementSaga(this IBusRegistrationConfigurator bus) =>
        bus.AddSagaStateMachine<SettlementStateMachine, SettlementState, SettlementSagaDefinition>();
}
