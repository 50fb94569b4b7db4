using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using Settlement.Reconciliation;

namespace Settlement.Operations.Pages;

/// <summary>Runs the reconciliation (the same <see cref="Reconciler"/> as <c>GET /api/reconciliation</c>) and lists every break.</summary>
public sealed class ReconciliationModel(Reconciler reconciler, ILogger<ReconciliationModel> logger) : PageModel
{
    public ReconciliationReport? Report { get; private set; }
    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            Report = await reconciler.RunAsync(Reconciler.DefaultMaxBreaks, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Reconciliation could not read the database");
            Problem = $"The database could not be read: {exception.Message}";
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }
}
