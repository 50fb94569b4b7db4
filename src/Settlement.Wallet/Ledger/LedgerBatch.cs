using Settlement.Contracts;

namespace Settlement.Wallet.Ledger;

/// <summary>An account's key: one user's balance in one currency.</summary>
readonly record struct AccountKey(Guid UserId, string Currency);

/// <summary>A ledger entry to append, in posting order.</summary>
sealed record Posting(Guid OperationId, Guid? TradeId, AccountKey Account, decimal Amount, LedgerReason Reason, decimal BalanceAfter);

/// <summary>A mark a reversal leaves on an operation that has not arrived (a refused row for the original's id).</summary>
sealed record ReversalMark(Guid OriginalOperationId, Guid? TradeId, Guid ReversalId)
{
    public string Message => $"Operation {OriginalOperationId} was reversed by {ReversalId} before it arrived.";
}

/// <summary>What a batch decided: the answer to each request, and the rows to write for it.</summary>
sealed record BatchResult
{
    /// <summary>The answer to each request, in batch order; repeats get the first outcome of their id.</summary>
    public required IReadOnlyList<OperationRecord> Answers { get; init; }

    /// <summary>For each answer, true when it was not decided by this request (a repeat or an id used before).</summary>
    public required IReadOnlyList<bool> Replayed { get; init; }

    /// <summary>The outcomes of the operation ids this batch claimed, to store with them.</summary>
    public required IReadOnlyList<OperationRecord> Stored { get; init; }

    /// <summary>The ledger entries, in posting order: each one's balance-after is its account's running sum.</summary>
    public required IReadOnlyList<Posting> Postings { get; init; }

    /// <summary>The final balance of every account the batch changed, each once.</summary>
    public required IReadOnlyDictionary<AccountKey, decimal> Balances { get; init; }

    /// <summary>The applied operations this batch reversed, with the reversal that did it.</summary>
    public required IReadOnlyDictionary<Guid, Guid> ReversedBy { get; init; }
}

/// <summary>
/// The in-memory half of applying a batch of operations: which ids to claim, which rows to mark and lock, and then,
/// from the locked rows, every outcome in batch order with running balances. The rules are those of one operation at a
/// time (a batch answers exactly what the same operations one after another would have); only the SQL is shared.
/// Each operation is refused or applied on its own: one refusal never touches the others.
/// </summary>
sealed class LedgerBatch
{
    readonly IReadOnlyList<OperationRecord> _requests;
    readonly List<OperationRecord> _claims = [];
    HashSet<Guid> _claimed = [];

    public LedgerBatch(IReadOnlyList<OperationRecord> requests)
    {
        _requests = requests;
        HashSet<Guid> seen = [];
        foreach (var request in requests)
        {
            if (seen.Add(request.OperationId))
                _claims.Add(request);
        }
    }

    /// <summary>The request each operation id is claimed for: the first of that id in the batch.</summary>
    public IReadOnlyList<OperationRecord> Claims => _claims;

    /// <summary>Records which ids the claim got; every other id was used before and has its outcome stored.</summary>
    public void Claimed(IEnumerable<Guid> operationIds) => _claimed = [.. operationIds];

    /// <summary>Of the rows read for every claimed id, those of the ids used before this batch: their first outcomes.</summary>
    public IReadOnlyDictionary<Guid, OperationRecord> Earlier(IReadOnlyDictionary<Guid, OperationRecord> rows) =>
        rows.Where(row => !_claimed.Contains(row.Key)).ToDictionary();

    /// <summary>A batch of reversals (a batch holds postings or reversals): its accounts are known once their operations are locked.</summary>
    public bool HasReversals => _claims.Any(r => r.Kind is OperationKind.Reversal);

    /// <summary>
    /// The accounts the valid credits and deposits open if they do not exist, each with the operation asking for it:
    /// before the claim's outcome is known, so the statement opens only those whose operation this batch claimed.
    /// </summary>
    public IReadOnlyList<(AccountKey Account, Guid OperationId)> AccountsToOpen =>
        [.. Valid(_claims).Where(r => r.Kind is not OperationKind.Debit).Select(r => (Account(r), r.OperationId))];

    /// <summary>Every account the valid postings may change (locking one whose posting turns out repeated costs nothing).</summary>
    public IReadOnlyList<AccountKey> PostingAccountsToLock => [.. Valid(_claims).Select(Account).Distinct()];

    /// <summary>
    /// For each operation a claimed reversal undoes, the mark its first reversal in the batch leaves should it not have
    /// arrived yet. The same operations are then locked, in operation id order, before any account.
    /// </summary>
    public IReadOnlyList<ReversalMark> Marks =>
    [
        .. ToApply.Where(r => r.Kind is OperationKind.Reversal && r.OriginalOperationId != r.OperationId)
            .DistinctBy(r => r.OriginalOperationId)
            .Select(r => new ReversalMark(r.OriginalOperationId!.Value, r.TradeId, r.OperationId)),
    ];

    /// <summary>The accounts of the applied operations the batch's reversals undo.</summary>
    public static IReadOnlyList<AccountKey> AccountsReversed(IReadOnlyDictionary<Guid, OperationRecord> originals) =>
    [
        .. originals.Values.Where(o => o is { Status: OperationStatus.Applied, ReversedBy: null, Kind: not OperationKind.Reversal })
            .Select(Account).Distinct(),
    ];

    IEnumerable<OperationRecord> ToApply => _claims.Where(c => _claimed.Contains(c.OperationId));

    static IEnumerable<OperationRecord> Valid(IEnumerable<OperationRecord> requests) =>
        requests.Where(r => r.Kind is not OperationKind.Reversal && RequestRules.Problem(r) is null);

    static AccountKey Account(OperationRecord operation) => new(operation.UserId!.Value, operation.Currency!);

    /// <summary>
    /// Decides every request in batch order from the rows read and locked: <paramref name="earlier"/>, the stored
    /// outcomes of the ids used before (<see cref="Earlier"/>); <paramref name="originals"/>, the locked operations the reversals name
    /// (marks included); <paramref name="marked"/>, those this batch marked; <paramref name="accounts"/>, the locked
    /// balances.
    /// </summary>
    public BatchResult Apply(IReadOnlyDictionary<Guid, OperationRecord> earlier, IReadOnlyDictionary<Guid, OperationRecord> originals,
        IReadOnlySet<Guid> marked, IReadOnlyDictionary<AccountKey, decimal> accounts) =>
        new Run(earlier, originals, marked, accounts).Apply(_requests, _claimed);

    /// <summary>The running state of one <see cref="Apply"/>: balances, originals and outcomes as the batch goes.</summary>
    sealed class Run(IReadOnlyDictionary<Guid, OperationRecord> earlier, IReadOnlyDictionary<Guid, OperationRecord> originals,
        IReadOnlySet<Guid> marked, IReadOnlyDictionary<AccountKey, decimal> accounts)
    {
        readonly Dictionary<AccountKey, decimal> _balances = new(accounts);
        readonly Dictionary<Guid, OperationRecord> _originals = new(originals);
        readonly HashSet<Guid> _marksToAnswer = [.. marked];
        readonly Dictionary<Guid, OperationRecord> _decided = [];
        readonly List<Posting> _postings = [];
        readonly HashSet<AccountKey> _changed = [];
        readonly Dictionary<Guid, Guid> _reversedBy = [];

        public BatchResult Apply(IReadOnlyList<OperationRecord> requests, IReadOnlySet<Guid> claimed)
        {
            List<OperationRecord> answers = new(requests.Count);
            List<bool> replayed = new(requests.Count);
            foreach (var request in requests)
            {
                var first = !claimed.Contains(request.OperationId) ? earlier[request.OperationId]
                    : _decided.GetValueOrDefault(request.OperationId);
                var answer = first is null ? Decide(request) : Repeat(request, first);
                if (first is null)
                    _decided.Add(request.OperationId, answer);
                answers.Add(answer);
                replayed.Add(first is not null);
            }

            return new BatchResult
            {
                Answers = answers,
                Replayed = replayed,
                Stored = [.. _decided.Values],
                Postings = _postings,
                Balances = _changed.ToDictionary(key => key, key => _balances[key]),
                ReversedBy = _reversedBy,
            };
        }

        /// <summary>The answer to an id used before: its first outcome for the same request, a refusal otherwise.</summary>
        static OperationRecord Repeat(OperationRecord request, OperationRecord first) => first switch
        {
            { Kind: null } => request.Refused(WalletErrorCode.OperationReversed, first.Message!),
            _ when first.IsSameRequestAs(request) => first,
            _ => request.Refused(WalletErrorCode.OperationIdConflict, $"Operation id {request.OperationId} was already used for {first.Describe()}."),
        };

        OperationRecord Decide(OperationRecord request) => request.Kind is OperationKind.Reversal ? Reverse(request) : Post(request);

        OperationRecord Post(OperationRecord request)
        {
            if (RequestRules.Problem(request) is (var code, var message))
                return request.Refused(code, message);

            var account = Account(request);
            if (_balances.ContainsKey(account))
                return Change(request, account, request.Kind is OperationKind.Debit ? -request.Amount!.Value : request.Amount!.Value,
                    request.Reason!.Value, request.TradeId);
            return request.Kind is OperationKind.Debit
                ? request.Refused(WalletErrorCode.UnknownAccount, $"User {account.UserId} has no {account.Currency} account.")
                : throw new InvalidOperationException($"The {account.Currency} account of user {account.UserId} was opened but not locked.");
        }

        OperationRecord Reverse(OperationRecord reversal)
        {
            var originalId = reversal.OriginalOperationId!.Value;
            if (originalId == reversal.OperationId)
                return reversal.Refused(WalletErrorCode.OperationIdConflict, "A reversal cannot reverse itself.");
            if (_marksToAnswer.Remove(originalId))
                return reversal.Applied(0m, 0m, $"Operation {originalId} has not arrived: marked, it will be refused when it does.");

            var original = _originals.GetValueOrDefault(originalId)
                ?? throw new InvalidOperationException($"Operation {originalId} was neither marked nor locked.");
            if (original.Kind is OperationKind.Reversal)
                return reversal.Refused(WalletErrorCode.OperationIdConflict, $"Operation {originalId} is itself a reversal; reversals are not reversed.");
            if (original.ReversedBy is { } earlierReversal)
                return reversal.Applied(0m, 0m, $"Operation {originalId} was already reversed by {earlierReversal}.");
            if (original.Status is OperationStatus.Refused)
                return reversal.Applied(0m, 0m, $"Operation {originalId} was refused ({original.ErrorCode}): nothing to reverse.");

            var account = Account(original);
            if (!_balances.ContainsKey(account))
                throw new InvalidOperationException($"Applied operation {originalId} has no account.");
            var outcome = Change(reversal, account, -original.Change!.Value, LedgerReason.SettlementRollback, original.TradeId);
            if (outcome.Status is OperationStatus.Applied)
            {
                _originals[originalId] = original with { ReversedBy = reversal.OperationId };
                _reversedBy[originalId] = reversal.OperationId;
            }

            return outcome;
        }

        /// <summary>
        /// Posts <paramref name="change"/> to the account's running balance with an entry of <paramref name="reason"/> and
        /// <paramref name="tradeId"/>, or refuses it if the balance would go below zero or not fit exactly.
        /// </summary>
        OperationRecord Change(OperationRecord request, AccountKey account, decimal change, LedgerReason reason, Guid? tradeId)
        {
            var balance = _balances[account];
            var described = $"Balance {Money.Format(balance)} {account.Currency} of user {account.UserId}";
            var after = Money.Add(balance, change);
            if (after is null)
                return request.Refused(WalletErrorCode.InvalidAmount,
                    $"{described} changed by {Money.Format(change)} would not fit numeric(38,18) exactly.");
            if (after < 0m)
                return request.Refused(WalletErrorCode.InsufficientBalance, $"{described} is less than {Money.Format(-change)}.");

            _balances[account] = after.Value;
            _changed.Add(account);
            _postings.Add(new Posting(request.OperationId, tradeId, account, change, reason, after.Value));
            return request.Applied(change, after.Value);
        }
    }
}
