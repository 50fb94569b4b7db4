using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Settlement.Operations.Trades;
using Settlement.Orchestration;
using Settlement.Orchestration.Persistence;
using Settlement.Wallet.Ledger;

namespace Settlement.Operations.Pages;

/// <summary>
/// Settlement records filtered and paged as <c>GET /api/settlements</c> does (same parameters, same keyset cursor), and a
/// search box that opens a trade by its id or a user's wallet by theirs.
/// </summary>
public sealed class TradesModel(SettlementRecords records, WalletLedger ledger) : PageModel
{
    [FromQuery] public string? Find { get; set; }
    [FromQuery] public string? Status { get; set; }
    [FromQuery] public string? State { get; set; }
    [FromQuery] public string? OlderThan { get; set; }
    [FromQuery] public string? After { get; set; }
    [FromQuery] public string? PageSize { get; set; }

    public string? Problem { get; private set; }
    public SettlementPage? Results { get; private set; }
    public string? Next { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(Find))
            return await FindAsync(Find.Trim(), cancellationToken);

        var parameters = new SettlementListParameters(Blank(Status), Blank(State), Blank(OlderThan), Blank(After), Blank(PageSize));
        if (!parameters.TryGetQuery(DateTimeOffset.UtcNow, out var query, out var problem))
            return Refuse(problem!);

        Results = await records.ListAsync(query, cancellationToken);
        Next = Results.Next is { } next ? SettlementListParameters.EncodeCursor(next) : null;
        return Page();
    }

    /// <summary>This page's address with the same filters and <paramref name="after"/> as the cursor.</summary>
    public string PageLink(string after)
    {
        var query = new QueryBuilder();
        foreach (var (name, value) in new[] { ("status", Status), ("state", State), ("olderThan", OlderThan), ("pageSize", PageSize) })
        {
            if (Blank(value) is { } set)
                query.Add(name, set);
        }

        query.Add("after", after);
        return $"/console/trades{query}";
    }

    async Task<IActionResult> FindAsync(string text, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(text, out var id))
            return Refuse($"'{EchoedText.Of(text)}' is not an id: a trade id or a user id is a GUID.");
        if (await records.FindAsync(id, cancellationToken) is not null)
            return LocalRedirect($"/console/trades/{id}");
        if ((await ledger.GetBalancesAsync(id, cancellationToken)).Count > 0)
            return LocalRedirect($"/console/wallets/{id}");
        return Refuse($"{id} is neither a trade with a settlement record nor a user with an account.", StatusCodes.Status404NotFound);
    }

    IActionResult Refuse(string problem, int status = StatusCodes.Status400BadRequest)
    {
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>An empty form field is no filter.</summary>
    static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
