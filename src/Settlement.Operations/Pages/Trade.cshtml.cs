using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Settlement.Operations.DeadLetters;
using Settlement.Operations.OperatorConsole;
using Settlement.Operations.Trades;
using Settlement.Orchestration;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;
using Settlement.Wallet.Ledger;

namespace Settlement.Operations.Pages;

/// <summary>
/// One trade: its record, its legs as a timeline with their ledger entries, its dead letters, and the actions its state
/// allows (retry its dead letter, abort it while Suspended), each confirmed before it is done.
/// </summary>
public sealed class TradeModel(SettlementRecords records, WalletLedger ledger, DeadLetterService deadLetters, TradeAborts aborts) : PageModel
{
    public SettlementState? Record { get; private set; }
    public IReadOnlyList<LegStep> Legs { get; private set; } = [];
    public IReadOnlyList<DeadLetter> DeadLetters { get; private set; } = [];
    public string? Problem { get; private set; }
    public string? Done { get; private set; }

    /// <summary>Set (<c>?confirm=abort</c>) when the page should ask before aborting.</summary>
    [FromQuery] public string? Confirm { get; set; }

    public bool CanAbort => Record is { } record && TradeAborts.CanAbort(record);

    /// <summary>What an abort does to this trade, in words, before it is done.</summary>
    public string AbortPlan => Record is { } record && Enum.TryParse<SettlementLeg>(record.PendingLeg, out var pending)
        ? $"Sends AbortSettlement to the saga. It reverses the pending leg {pending} first (so that its dead letter, if ever replayed, " +
          $"moves nothing), then {(record.CompletedLegs.Count == 0 ? "nothing else: no leg was applied" : $"each applied leg, last first: {string.Join(", ", Enumerable.Reverse(record.CompletedLegs))}")}. " +
          "The trade ends RolledBack."
        : "Sends AbortSettlement to the saga.";

    public async Task<IActionResult> OnGetAsync(string tradeId, CancellationToken cancellationToken) =>
        await LoadAsync(tradeId, cancellationToken) ? Page() : Refused();

    public async Task<IActionResult> OnPostAbortAsync(string tradeId, string? reason, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(tradeId, cancellationToken))
            return Refused();
        if (string.IsNullOrWhiteSpace(reason))
        {
            Confirm = "abort";
            return Refuse("Nothing was done: an abort needs a reason (it is kept in the trade's failure reason and the log).");
        }

        var outcome = await aborts.AbortAsync(Record!.CorrelationId, reason.Trim(), "the console", cancellationToken);
        if (outcome.Result is AbortResult.NotAbortable)
            return Refuse($"Nothing was done: {TradeAborts.WhyNot(outcome.Record!)}", StatusCodes.Status409Conflict);
        if (outcome.Result is AbortResult.BrokerTimedOut)
        {
            Confirm = "abort";
            return Refuse(aborts.NotSent(Record.CorrelationId), StatusCodes.Status503ServiceUnavailable);
        }

        Done = $"Abort sent to the saga with the reason \"{reason.Trim()}\". The legs are reversed in the background: " +
               "reload this page to follow them; the trade ends RolledBack.";
        return Page();
    }

    async Task<bool> LoadAsync(string tradeId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(tradeId, out var id))
        {
            Problem = $"'{EchoedText.Of(tradeId)}' is not a trade id: a trade id is a GUID.";
            return false;
        }

        if ((Record = await records.FindAsync(id, cancellationToken)) is null)
        {
            Problem = $"There is no settlement record of trade {id}.";
            Response.StatusCode = StatusCodes.Status404NotFound;
            return false;
        }

        Legs = TradeTimeline.Of(Record, await ledger.GetEntriesOfTradeAsync(id, cancellationToken));
        // Only a trade that waits for a replay can have dead letters worth reading the queues for.
        if (Record.CurrentState == nameof(SettlementStateMachine.Suspended) || Record is { SettlementStatus: SettlementStatus.Settled, FeeCollected: false })
        {
            var listing = await deadLetters.ListAsync(null, DeadLetterService.MaxListLimit, cancellationToken);
            DeadLetters = listing.Value?.Messages.Where(m => m.TradeId == id).ToList() ?? [];
        }

        return true;
    }

    IActionResult Refused()
    {
        if (Response.StatusCode == StatusCodes.Status200OK)
            Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    IActionResult Refuse(string problem, int status = StatusCodes.Status400BadRequest)
    {
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }
}
