using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Options;
using Settlement.Contracts;
using Settlement.Orchestration.Configuration;

namespace Settlement.UnitTests.Saga;

/// <summary>What the test wallet does with each operation id: answer, refuse, throw, or keep silent.</summary>
public sealed class WalletScript
{
    readonly ConcurrentDictionary<Guid, WalletErrorCode> _refusals = new();
    readonly ConcurrentDictionary<Guid, int> _faultsLeft = new();
    readonly ConcurrentDictionary<Guid, bool> _held = new();

    /// <summary>Every command delivery the wallet saw, retries included, in arrival order.</summary>
    public ConcurrentQueue<object> Received { get; } = new();

    /// <summary>Commands the wallet applied (answered with success), in order.</summary>
    public ConcurrentQueue<object> Applied { get; } = new();

    public void Refuse(Guid operationId, WalletErrorCode code) => _refusals[operationId] = code;
    public void FailTransiently(Guid operationId, int times) => _faultsLeft[operationId] = times;
    public void Hold(Guid operationId) => _held[operationId] = true;

    public void Heal(Guid operationId)
    {
        _faultsLeft.TryRemove(operationId, out _);
        _held.TryRemove(operationId, out _);
    }

    internal bool ThrowsNow(Guid operationId) =>
        _faultsLeft.TryGetValue(operationId, out var left) && left > 0 && _faultsLeft.TryUpdate(operationId, left - 1, left);

    internal bool IsHeld(Guid operationId) => _held.ContainsKey(operationId);
    internal WalletErrorCode? RefusalFor(Guid operationId) => _refusals.TryGetValue(operationId, out var code) ? code : null;
}

/// <summary>A wallet that answers as the script says, on the same queue and with the same retry policy as the real one.</summary>
public sealed class ScriptedWallet(WalletScript script) :
    IConsumer<DebitBalance>, IConsumer<CreditBalance>, IConsumer<ReverseOperation>
{
    public Task Consume(ConsumeContext<DebitBalance> context) => Answer(context, context.Message.OperationId, context.Message.TradeId,
        retries => new BalanceDebited
        {
            OperationId = context.Message.OperationId,
            TradeId = context.Message.TradeId,
            UserId = context.Message.UserId,
            Currency = context.Message.Currency,
            Amount = context.Message.Amount,
            RetryAttempts = retries,
        });

    public Task Consume(ConsumeContext<CreditBalance> context) => Answer(context, context.Message.OperationId, context.Message.TradeId,
        retries => new BalanceCredited
        {
            OperationId = context.Message.OperationId,
            TradeId = context.Message.TradeId,
            UserId = context.Message.UserId,
            Currency = context.Message.Currency,
            Amount = context.Message.Amount,
            RetryAttempts = retries,
        });

    public Task Consume(ConsumeContext<ReverseOperation> context) => Answer(context, context.Message.OperationId, context.Message.TradeId,
        retries => new OperationReversed
        {
            OperationId = context.Message.OperationId,
            OriginalOperationId = context.Message.OriginalOperationId,
            TradeId = context.Message.TradeId,
            RetryAttempts = retries,
        });

    async Task Answer<T>(ConsumeContext<T> context, Guid operationId, Guid tradeId, Func<int, object> success)
        where T : class
    {
        script.Received.Enqueue(context.Message);
        if (script.ThrowsNow(operationId))
            throw new TimeoutException($"wallet timed out on {operationId}");
        if (script.IsHeld(operationId))
            return;

        if (script.RefusalFor(operationId) is { } code)
        {
            await context.RespondAsync(new WalletOperationRejected
            {
                OperationId = operationId,
                TradeId = tradeId,
                Code = code,
                Message = $"scripted {code}",
                RetryAttempts = context.GetRetryAttempt(),
            });
            return;
        }

        script.Applied.Enqueue(context.Message);
        await context.RespondAsync(success(context.GetRetryAttempt()));
    }
}

public sealed class ScriptedWalletDefinition : ConsumerDefinition<ScriptedWallet>
{
    readonly SettlementOptions _options;

    public ScriptedWalletDefinition(IOptions<SettlementOptions> options)
    {
        _options = options.Value;
        Endpoint(e => e.Name = _options.WalletQueue);
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ScriptedWallet> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r => r.Intervals(_options.RetryIntervals()));
}
