using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration;

public static class SettlementRegistration
{
    /// <summary>
    /// Registers the settlement saga on its endpoint. The caller picks the repository: the PostgreSQL one in the service,
    /// the in-memory one (MassTransit's default) in harness tests. The transport's configuration must also call
    /// <see cref="ConfigureSettlementReplyEndpoint"/>.
    /// </summary>
    public static ISagaRegistrationConfigurator<SettlementState> AddSettlementSaga(this IBusRegistrationConfigurator bus) =>
        bus.AddSagaStateMachine<SettlementStateMachine, SettlementState, SettlementSagaDefinition>();

    /// <summary>
    /// Connects the saga to its reply endpoint (<see cref="SettlementOptions.ReplyQueueName"/>), where the wallet sends its
    /// answers: the same state machine, repository and definition (retry, outbox, concurrency) as the main endpoint, but
    /// bound to no exchange. Call it in the transport's configuration, next to <c>ConfigureEndpoints</c>.
    /// </summary>
    /// <remarks>
    /// Not <c>ConfigureSaga</c>: MassTransit connects every registered state and event observer to the (singleton) state
    /// machine once per endpoint it configures that way, so each transition would be observed, and counted, twice.
    /// </remarks>
    public static void ConfigureSettlementReplyEndpoint(this IReceiveConfigurator configurator, IRegistrationContext context)
    {
        var options = context.GetRequiredService<IOptions<SettlementOptions>>();
        ISagaDefinition<SettlementState> definition = new SettlementSagaDefinition(options);
        configurator.ReceiveEndpoint(options.Value.ReplyQueueName, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            endpoint.StateMachineSaga<SettlementState>(context, saga => definition.Configure(endpoint, saga, context));
        });
    }
}
