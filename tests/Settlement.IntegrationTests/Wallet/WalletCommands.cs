using Settlement.Contracts;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>Builds wallet commands for one user's legs of one trade, each with an operation id of its own.</summary>
public sealed class WalletCommands(Guid user, Guid trade)
{
    public const string Usdt = "USDT";

    public Guid User => user;

    public Guid Trade => trade;

    public DepositFunds Deposit(decimal amount, string currency = Usdt) => new()
    {
        OperationId = Guid.NewGuid(),
        UserId = user,
        Currency = currency,
        Amount = amount,
    };

    public DebitBalance Debit(decimal amount, string currency = Usdt) => new()
    {
        OperationId = Guid.NewGuid(),
        TradeId = trade,
        UserId = user,
        Currency = currency,
        Amount = amount,
        Reason = LedgerReason.TradeSettlement,
    };

    public CreditBalance Credit(decimal amount, string currency = Usdt) => new()
    {
        OperationId = Guid.NewGuid(),
        TradeId = trade,
        UserId = user,
        Currency = currency,
        Amount = amount,
        Reason = LedgerReason.TradeSettlement,
    };

    public ReverseOperation Reverse(Guid originalOperationId) => new()
    {
        OperationId = Guid.NewGuid(),
        OriginalOperationId = originalOperationId,
        TradeId = trade,
    };
}
