namespace Settlement.Orchestration.Sweeper;

/// <summary>
/// How many messages wait in line for the saga and the wallet. The sweeper asks before it resends: a trade that waited
/// past the step timeout while thousands of messages are queued is in line, not stuck, and a resend would only lengthen
/// the line. The host answers from the broker's management API.
/// </summary>
public interface ISettlementBacklog
{
    /// <summary>Messages queued for the saga and the wallet, or null when that cannot be told now.</summary>
    Task<long?> QueuedMessagesAsync(CancellationToken cancellationToken);
}
