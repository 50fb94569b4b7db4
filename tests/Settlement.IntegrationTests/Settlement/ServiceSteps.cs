using Settlement.Contracts;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Settlement;

/// <summary>What the tests that run the service do through its own ledger and settlement records: fund a user, wait for a trade.</summary>
static class ServiceSteps
{
    /// <summary>Deposits <paramref name="amount"/> under an operation id of its own.</summary>
    public static Task<WalletOutcome> DepositAsync(this WalletLedger ledger, Guid userId, string currency, decimal amount) =>
        ledger.DepositAsync(new DepositFunds { OperationId = Guid.NewGuid(), UserId = userId, Currency = currency, Amount = amount });

    /// <summary>Waits until the trade's record is in one of <paramref name="states"/>, and returns it.</summary>
    public static Task<SettlementState> WaitForStateAsync(this SettlementRecords records, Guid tradeId, TimeSpan timeout, params string[] states)
    {
        SettlementState? record = null;
        return Poll.ForAsync(
            async () => (record = await records.FindAsync(tradeId)) is { } found && states.Contains(found.CurrentState) ? found : null,
            timeout,
            () => $"Trade {tradeId} did not reach {string.Join(" or ", states)}; it is {record?.CurrentState ?? "not recorded"}.");
    }

    /// <summary>Waits until the trade's record reaches one of the <see cref="SettlementStateMachine.FinalStates"/>, and returns it.</summary>
    public static Task<SettlementState> WaitForOutcomeAsync(this SettlementRecords records, Guid tradeId, TimeSpan timeout) =>
        records.WaitForStateAsync(tradeId, timeout, SettlementStateMachine.FinalStates);
}
