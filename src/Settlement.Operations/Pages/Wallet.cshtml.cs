using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Settlement.Orchestration;
using Settlement.Wallet.Ledger;

namespace Settlement.Operations.Pages;

/// <summary>A user's accounts and their latest ledger entries, each linked to its trade, read through <see cref="WalletLedger"/>.</summary>
public sealed class WalletModel(WalletLedger ledger) : PageModel
{
    public const int EntriesShown = 200;

    public Guid UserId { get; private set; }
    public IReadOnlyList<Account> Accounts { get; private set; } = [];
    public IReadOnlyList<LedgerEntry> Entries { get; private set; } = [];
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string userId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(userId, out var id))
        {
            Problem = $"'{EchoedText.Of(userId)}' is not a user id: a user id is a GUID.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        UserId = id;
        Accounts = await ledger.GetBalancesAsync(id, cancellationToken);
        List<LedgerEntry> entries = [];
        foreach (var account in Accounts)
            entries.AddRange(await ledger.GetLatestEntriesAsync(id, account.Currency, EntriesShown, cancellationToken));
        Entries = [.. entries.OrderByDescending(e => e.EntryId).Take(EntriesShown)];
        if (Accounts.Count == 0)
        {
            Problem = $"User {id} has no account: nothing was ever deposited or credited to them.";
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }
}
