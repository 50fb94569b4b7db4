namespace Settlement.Host.Api;

/// <summary>One account of <c>GET /api/wallets/{userId}/balances</c>.</summary>
public sealed record BalanceView(string Currency, decimal Available, DateTimeOffset UpdatedAt);

/// <summary>The body of <c>GET /api/wallets/{userId}/balances</c>: every account of the user, by currency.</summary>
public sealed record BalancesView(Guid UserId, IReadOnlyList<BalanceView> Balances);

/// <summary>
/// The body of <c>POST /api/wallets/{userId}/deposits</c>. <see cref="OperationId"/> is the idempotency key: the same id
/// again gets the first answer and changes nothing; without one, every call is a new deposit.
/// </summary>
public sealed record DepositRequest(string? Currency, decimal? Amount, Guid? OperationId);

/// <summary>An applied deposit and the balance right after it.</summary>
public sealed record DepositView(Guid OperationId, Guid UserId, string Currency, decimal Amount, decimal BalanceAfter);
