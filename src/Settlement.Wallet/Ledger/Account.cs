namespace Settlement.Wallet.Ledger;

/// <summary>An account: the available balance of one user in one currency (table <c>wallet.accounts</c>).</summary>
public sealed record Account
{
    public Guid UserId { get; init; }
    public string Currency { get; init; } = string.Empty;

    /// <summary>The balance, never below zero; always the sum of the account's <see cref="LedgerEntry"/> amounts.</summary>
    public decimal Available { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
