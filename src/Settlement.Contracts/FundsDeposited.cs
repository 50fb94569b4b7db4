namespace Settlement.Contracts;

/// <summary>The deposit <see cref="OperationId"/> is applied.</summary>
public record FundsDeposited
{
    public Guid OperationId { get; init; }
    public Guid UserId { get; init; }
    public string Currency { get; init; } = string.Empty;
    public decimal Amount { get; init; }
    public decimal BalanceAfter { get; init; }
}
