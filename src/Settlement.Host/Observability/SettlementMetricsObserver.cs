using System.Runtime.CompilerServices;
using MassTransit;
using Settlement.Contracts;
using Settlement.Orchestration.Saga;
using static Settlement.Host.Observability.SettlementMetrics;

namespace Settlement.Host.Observability;

/// <summary>
/// Feeds <see cref="SettlementMetrics"/> from the settlement state machine without touching it: MassTransit connects this
/// state and event observer to the machine when it configures the saga's endpoint.
/// Transitions count when the saga makes them, before its record is saved: a save that fails and is retried counts again
/// (rare: the repository locks the row). The record in PostgreSQL stays the truth (<c>settlement_sagas</c>).
/// </summary>
public sealed class SettlementMetricsObserver(SettlementMetrics metrics) : IStateObserver<SettlementState>, IEventObserver<SettlementState>
{
    /// <summary>The retry count of each saga instance when it began handling its current event.</summary>
    readonly ConditionalWeakTable<SettlementState, StrongBox<int>> _retriesBefore = [];

    public Task StateChanged(BehaviorContext<SettlementState> context, State currentState, State previousState)
    {
        var saga = context.Saga;
        switch (currentState.Name)
        {
            case nameof(SettlementStateMachine.Settled):
                metrics.RecordOutcome(saga.FeeCollected ? Outcomes.Settled : Outcomes.SettledWithoutFee);
                metrics.RecordLatency((saga.SettledAt ?? DateTimeOffset.UtcNow) - saga.ExecutedAt);
                break;
            case nameof(SettlementStateMachine.RolledBack):
                metrics.RecordOutcome(Outcomes.RolledBack);
                break;
            case nameof(SettlementStateMachine.CompensationFailed):
                metrics.RecordOutcome(Outcomes.CompensationFailed);
                break;
            case nameof(SettlementStateMachine.Rejected):
                metrics.RecordOutcome(Outcomes.Rejected);
                break;
            case nameof(SettlementStateMachine.Suspended):
                metrics.RecordOutcome(Outcomes.Suspended);
                break;
            // A trade suspended while compensating goes back to Compensating when its reversal's dead letter is replayed:
            // that is the same compensation. An operator's abort of a suspended trade starts one.
            case nameof(SettlementStateMachine.Compensating)
                when previousState?.Name != nameof(SettlementStateMachine.Suspended) || context.TryGetMessage<AbortSettlement>(out _):
                metrics.RecordCompensationStarted();
                break;
        }

        return Task.CompletedTask;
    }

    // Retries: the growth of settlement_retry_count while the saga handles an event. A resumed trade raises the event
    // again inside the first one: the inner pass counts the growth, the outer one then sees none.
    public Task PreExecute(BehaviorContext<SettlementState> context)
    {
        _retriesBefore.TryAdd(context.Saga, new StrongBox<int>(context.Saga.SettlementRetryCount));
        return Task.CompletedTask;
    }

    public Task PreExecute<T>(BehaviorContext<SettlementState, T> context)
        where T : class => PreExecute((BehaviorContext<SettlementState>)context);

    public Task PostExecute(BehaviorContext<SettlementState> context)
    {
        if (_retriesBefore.TryGetValue(context.Saga, out var before))
        {
            metrics.RecordRetries(context.Saga.SettlementRetryCount - before.Value);
            before.Value = context.Saga.SettlementRetryCount;
        }

        return Task.CompletedTask;
    }

    public Task PostExecute<T>(BehaviorContext<SettlementState, T> context)
        where T : class => PostExecute((BehaviorContext<SettlementState>)context);

    /// <summary>The event failed: the instance is discarded and its next attempt loads a fresh one.</summary>
    public Task ExecuteFault(BehaviorContext<SettlementState> context, Exception exception)
    {
        _retriesBefore.Remove(context.Saga);
        return Task.CompletedTask;
    }

    public Task ExecuteFault<T>(BehaviorContext<SettlementState, T> context, Exception exception)
        where T : class => ExecuteFault((BehaviorContext<SettlementState>)context, exception);
}
