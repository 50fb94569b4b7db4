using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Settlement.Operations.OperatorConsole;

namespace Settlement.Operations.Pages;

/// <summary>The sign-in form: the admin API's key in, the console's session cookie out.</summary>
public sealed class SignInModel(ConsoleSignIn signIn) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Refused { get; private set; }

    public bool SignedOut { get; private set; }

    public void OnGet(bool signedOut = false) => SignedOut = signedOut;

    public async Task<IActionResult> OnPostAsync(string? key)
    {
        if (await signIn.SignInAsync(HttpContext, key))
            return LocalRedirect(IsConsolePath(ReturnUrl) ? ReturnUrl! : ConsoleRegistration.PathBase);

        Refused = string.IsNullOrEmpty(key) ? "Refused: type the API key to sign in." : "Refused: that is not the service's API key.";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    /// <summary>Only back into the console: a return address elsewhere (another site, //host) is ignored.</summary>
    static bool IsConsolePath(string? url) =>
        url is { Length: > 0 } && url.StartsWith(ConsoleRegistration.PathBase, StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.Contains('\\', StringComparison.Ordinal);
}
