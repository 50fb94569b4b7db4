using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Settlement.Contracts;
using Settlement.Orchestration.Configuration;

namespace Settlement.Orchestration.Saga;

/// <summary>
/// One saga per trade, correlated by trade id. It sends the wallet one command per leg and moves on when the wallet
/// answers: BuyerDebited → BuyerCredited → SellerDebited → SellerCredited → FeesCollected → Settled.
/// A refusal reverses the applied legs, last first (Compensating → RolledBack, or CompensationFailed when a reversal is
/// refused). A command that still fails after its retries lands in the wallet's error queue, and the saga waits in
/// Suspended until the dead letter is replayed. The fee leg never undoes a trade: if it fails the trade is Settled anyway.
/// </summary>
public sealed partial class SettlementStateMachine : MassTransitStateMachine<SettlementState>
{
    readonly SettlementOptions _options;
    readonly ILogger<SettlementStateMachine> _logger;

    public SettlementStateMachine(IOptions<SettlementOptions> options, ILogger<SettlementStateMachine> logger)
    {
        _options = options.Value;
        _logger = logger;

        InstanceState(x => x.CurrentState);

        Event(() => TradeExecuted, e => e.CorrelateById(context => TradeIdOf(context.Message)));
        Event(() => LegDebited, e => AnswerFor(e, context => context.Message.TradeId));
        Event(() => LegCredited, e => AnswerFor(e, context => context.Message.TradeId));
        Event(() => LegReversed, e => AnswerFor(e, context => context.Message.TradeId));
        Event(() => OperationRejected, e => AnswerFor(e, context => context.Message.TradeId ?? Guid.Empty));
        Event(() => DebitFaulted, e => AnswerFor(e, context => context.Message.Message.TradeId));
        Event(() => CreditFaulted, e => AnswerFor(e, context => context.Message.Message.TradeId));
        Event(() => ReversalFaulted, e => AnswerFor(e, context => context.Message.Message.TradeId));
        Event(() => AbortRequested, e => AnswerFor(e, context => context.Message.TradeId));
        Event(() => ResendRequested, e => AnswerFor(e, context => context.Message.TradeId));

        Initially(
            When(TradeExecuted)
                .Then(context => RecordTrade(context.Saga, context.Message, _options.FeeWalletUserId))
                .IfElse(context => TradeValidation.Problem(context.Message) is null,
                    valid => valid.ThenAsync(context => SendNextLeg(context, completed: null)),
                    invalid => invalid.ThenAsync(RejectInvalidTrade)));

        // The happy path: each answer to the awaited leg moves the trade to the next leg.
        During([Accepted, BuyerDebited, BuyerCredited, SellerDebited, SellerCredited],
            When(LegDebited).ThenAsync(context => OnLegApplied(context, context.Message.OperationId, context.Message.RetryAttempts)),
            When(LegCredited).ThenAsync(context => OnLegApplied(context, context.Message.OperationId, context.Message.RetryAttempts)),
            When(OperationRejected).ThenAsync(OnLegRejected),
            When(DebitFaulted).ThenAsync(context => OnCommandFaulted(context, context.Message.Message.OperationId, context.Message)),
            When(CreditFaulted).ThenAsync(context => OnCommandFaulted(context, context.Message.Message.OperationId, context.Message)),
            When(ResendRequested).ThenAsync(ResendPendingCommand));

        // A fee credit replayed from the dead-letter queue after the trade settled without it.
        During(Settled,
            When(LegCredited, context => !context.Saga.FeeCollected && context.Message.OperationId == FeeOperationId(context.Saga))
                .Then(context => MarkFeeCollected(context.Saga, context.Message.RetryAttempts)));

        // Compensation: reverse the applied legs, last first.
        During(Compensating,
            When(LegReversed).ThenAsync(OnLegReversed),
            When(OperationRejected).ThenAsync(OnReversalRejected),
            When(ReversalFaulted).ThenAsync(context => OnCommandFaulted(context, context.Message.Message.OperationId, context.Message)),
            When(ResendRequested).ThenAsync(ResendPendingCommand));

        // Waiting for an operator: the awaited answer (after a dead letter is replayed) resumes where the trade stopped.
        During(Suspended,
            When(LegDebited, context => IsAwaited(context.Saga, context.Message.OperationId)).ThenAsync(Resume),
            When(LegCredited, context => IsAwaited(context.Saga, context.Message.OperationId)).ThenAsync(Resume),
            When(LegReversed, context => IsAwaited(context.Saga, context.Message.OperationId)).ThenAsync(Resume),
            When(OperationRejected, context => IsAwaited(context.Saga, context.Message.OperationId)).ThenAsync(Resume),
            When(DebitFaulted, context => IsAwaited(context.Saga, context.Message.Message.OperationId)).ThenAsync(Resume),
            When(CreditFaulted, context => IsAwaited(context.Saga, context.Message.Message.OperationId)).ThenAsync(Resume),
            When(ReversalFaulted, context => IsAwaited(context.Saga, context.Message.Message.OperationId)).ThenAsync(Resume),
            When(AbortRequested, context => context.Saga.SuspendedFrom != Compensating.Name).ThenAsync(Abort));

        DuringAny(
            When(TradeExecuted).ThenAsync(OnTradeExecutedAgain));

        // Late and duplicate answers for legs already passed change nothing.
        OnUnhandledEvent(context =>
        {
            _logger.LogDebug("Ignored {Event} for {TradeId} in state {State}",
                context.Event.Name, context.Saga.CorrelationId, context.Saga.CurrentState);
            return Task.CompletedTask;
        });
    }

    /// <summary>States in which the trade waits for a wallet answer to a command it sent: what the sweeper watches.</summary>
    public static readonly string[] WaitingStates =
        ["Accepted", "BuyerDebited", "BuyerCredited", "SellerDebited", "SellerCredited", "Compensating"];

    /// <summary>
    /// States a trade stays in without new input: its outcome (Settled, RolledBack, Rejected, CompensationFailed) or
    /// Suspended, waiting for an operator. Every other state is PENDING work in progress.
    /// </summary>
    public static readonly string[] FinalStates = ["Settled", "RolledBack", "Rejected", "CompensationFailed", "Suspended"];

    public State Accepted { get; private set; } = null!;
    public State BuyerDebited { get; private set; } = null!;
    public State BuyerCredited { get; private set; } = null!;
    public State SellerDebited { get; private set; } = null!;
    public State SellerCredited { get; private set; } = null!;
    public State FeesCollected { get; private set; } = null!;
    public State Settled { get; private set; } = null!;
    public State Compensating { get; private set; } = null!;
    public State RolledBack { get; private set; } = null!;
    public State CompensationFailed { get; private set; } = null!;
    public State Suspended { get; private set; } = null!;
    public State Rejected { get; private set; } = null!;

    public Event<TradeExecuted> TradeExecuted { get; private set; } = null!;
    public Event<BalanceDebited> LegDebited { get; private set; } = null!;
    public Event<BalanceCredited> LegCredited { get; private set; } = null!;
    public Event<OperationReversed> LegReversed { get; private set; } = null!;
    public Event<WalletOperationRejected> OperationRejected { get; private set; } = null!;
    public Event<Fault<DebitBalance>> DebitFaulted { get; private set; } = null!;
    public Event<Fault<CreditBalance>> CreditFaulted { get; private set; } = null!;
    public Event<Fault<ReverseOperation>> ReversalFaulted { get; private set; } = null!;
    public Event<AbortSettlement> AbortRequested { get; private set; } = null!;
    public Event<ResendSettlementStep> ResendRequested { get; private set; } = null!;

    /// <summary>Wallet answers belong to an existing trade; one that matches none is dropped.</summary>
    static void AnswerFor<T>(IEventCorrelationConfigurator<SettlementState, T> e, Func<ConsumeContext<T>, Guid> tradeId)
        where T : class
    {
        e.CorrelateById(tradeId);
        e.OnMissingInstance(m => m.Discard());
    }

    static Guid TradeIdOf(TradeExecuted trade) => trade.TradeId != Guid.Empty
        ? trade.TradeId
        : throw new InvalidTradeException("TradeExecuted has an empty TradeId: it cannot be correlated to a settlement record");
}
