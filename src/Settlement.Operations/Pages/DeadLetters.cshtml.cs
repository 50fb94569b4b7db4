using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Settlement.Operations.DeadLetters;
using Settlement.Operations.OperatorConsole;

namespace Settlement.Operations.Pages;

/// <summary>
/// The dead letters of every error queue, grouped by queue and reason, with a retry of a whole group (confirmed first,
/// with the number of messages it moves and where to). Reads through <see cref="DeadLetterService"/>, as the admin API does.
/// </summary>
public sealed class DeadLettersModel(DeadLetterService deadLetters) : PageModel
{
    public DeadLetterListing? Listing { get; private set; }
    public IReadOnlyList<DeadLetterGroup> Groups { get; private set; } = [];
    public string? Problem { get; private set; }
    public RetriedMessages? Retried { get; private set; }

    /// <summary>The key of the group whose retry is to be confirmed (<c>?confirm=…</c>).</summary>
    [FromQuery] public string? Confirm { get; set; }

    public DeadLetterGroup? ToConfirm => Groups.FirstOrDefault(g => g.Key == Confirm);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Confirm is not null && ToConfirm is null)
            Refuse("That group is gone: its messages were retried or moved meanwhile. Here is what the queues hold now.", StatusCodes.Status404NotFound);
    }

    /// <summary>Moves at most <paramref name="count"/> messages (the number confirmed) of the group back to where they failed.</summary>
    public async Task<IActionResult> OnPostRetryGroupAsync(string? queue, string? group, int count, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(queue) || string.IsNullOrEmpty(group) || count is < 1 or > DeadLetterService.MaxListLimit)
        {
            await LoadAsync(cancellationToken);
            return Refuse($"Nothing was done: a group retry needs its queue, its group and a count from 1 to {DeadLetterService.MaxListLimit}.");
        }

        var outcome = await deadLetters.RetryWhereAsync(queue, d => DeadLetterGroup.IsIn(d, group), count, cancellationToken);
        await LoadAsync(cancellationToken);
        if (outcome.Problem is { } problem)
            return Refuse($"Nothing was done: {problem.Detail}", StatusCodes.Status404NotFound);

        Retried = outcome.Value;
        if (Retried!.StoppedBecause is not null)
            Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    async Task LoadAsync(CancellationToken cancellationToken)
    {
        var outcome = await deadLetters.ListAsync(null, DeadLetterService.MaxListLimit, cancellationToken);
        Listing = outcome.Value;
        Groups = Listing is null ? [] : DeadLetterGroup.Of(Listing);
    }

    IActionResult Refuse(string problem, int status = StatusCodes.Status400BadRequest)
    {
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }
}
