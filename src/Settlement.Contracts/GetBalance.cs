namespace Settlement.Contracts;

/// <summary>Ask for an account's available balance. Answered by <see cref="BalanceReported"/>.</summary>
public record GetBalance
{
    public Guid UserId { get; init; }
    public string Currency { get; init; } = string.Empty;
}
