namespace Settlement.Contracts;

/// <summary>Fund an account. Answered by <see cref="FundsDeposited"/> or <see cref="WalletOperationRejected"/>.</summary>
public record DepositFunds
{
    /// <summary>Idempotency key: the same id on every retry of this deposit.</summary>
    public Guid OperationId { get; init; }

    public Guid UserId { get; init; }
    public string Currency { get; init; } = string.Empty;
    public decimal Amount { get; init; }
}
