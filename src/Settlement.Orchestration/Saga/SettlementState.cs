using MassTransit;

namespace Settlement.Orchestration.Saga;

/// <summary>
/// The settlement record of one trade: the saga's state, kept in PostgreSQL and never deleted.
/// <see cref="CorrelationId"/> is the trade id.
/// </summary>
public class SettlementState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }

    /// <summary>The state machine's state, by name (see <see cref="SettlementStateMachine"/>).</summary>
    public string CurrentState { get; set; } = string.Empty;

    // The trade as executed.
    public string Symbol { get; set; } = string.Empty;
    public string BaseCurrency { get; set; } = string.Empty;
    public string QuoteCurrency { get; set; } = string.Empty;
    public Guid BuyerUserId { get; set; }
    public Guid SellerUserId { get; set; }
    public decimal Price { get; set; }
    public decimal Quantity { get; set; }
    public decimal BuyerFee { get; set; }
    public decimal SellerFee { get; set; }
    public bool IsBuyerMaker { get; set; }
    public DateTimeOffset ExecutedAt { get; set; }

    /// <summary>The exchange's fee wallet for this trade, fixed from configuration when the trade starts.</summary>
    public Guid FeeWalletUserId { get; set; }

    /// <summary>PENDING, SETTLED or SETTLEMENT_FAILED (<see cref="SettlementStatus"/>).</summary>
    public string SettlementStatus { get; set; } = Saga.SettlementStatus.Pending;

    /// <summary>Set when the trade is settled; null otherwise.</summary>
    public DateTimeOffset? SettledAt { get; set; }

    /// <summary>Retries of this trade's wallet commands after transient faults, summed over all legs.</summary>
    public int SettlementRetryCount { get; set; }

    public string? FailureReason { get; set; }

    /// <summary>The leg whose command was sent and whose answer is awaited (during compensation: the leg being reversed).</summary>
    public string? PendingLeg { get; set; }

    /// <summary>Legs applied by the wallet, in order: what compensation must reverse, last first.</summary>
    public List<string> CompletedLegs { get; set; } = [];

    /// <summary>Legs reversed during compensation, in the order they were reversed.</summary>
    public List<string> ReversedLegs { get; set; } = [];

    /// <summary>False when the fee leg was refused or is waiting in the dead-letter queue; the trade stands anyway.</summary>
    public bool FeeCollected { get; set; }

    /// <summary>While Suspended: the state to go back to when the awaited answer arrives.</summary>
    public string? SuspendedFrom { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token, incremented on every save.</summary>
    public int Version { get; set; }
}
