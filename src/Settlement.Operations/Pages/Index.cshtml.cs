using Microsoft.AspNetCore.Mvc.RazorPages;
using Settlement.Operations.OperatorConsole;

namespace Settlement.Operations.Pages;

/// <summary>The overview: what on-call looks at first, reloaded by the browser every <see cref="RefreshSeconds"/> seconds.</summary>
public sealed class OverviewModel(OverviewReader reader) : PageModel
{
    public const int RefreshSeconds = 15;

    public Overview Overview { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Overview = await reader.ReadAsync(DateTimeOffset.UtcNow, cancellationToken);
}
