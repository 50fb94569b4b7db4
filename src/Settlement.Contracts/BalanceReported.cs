namespace Settlement.Contracts;

/// <summary>The answer to <see cref="GetBalance"/>. An account that was never funded reports zero and <see cref="AccountExists"/> false.</summary>
public record BalanceReported
{
    public Guid UserId { get; init; }
    public string Currency { get; init; } = string.Empty;
    public decimal Available { get; init; }
    public bool AccountExists { get; init; }
}
