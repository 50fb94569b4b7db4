using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Settlement.Operations.OperatorConsole;

namespace Settlement.Operations.Pages;

/// <summary>Sign-out: a POST (with its antiforgery token) that clears the session cookie. A GET only leads back to the overview.</summary>
public sealed class SignOutModel(ConsoleSignIn signIn) : PageModel
{
    public IActionResult OnGet() => LocalRedirect(ConsoleRegistration.PathBase);

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync(HttpContext);
        return LocalRedirect($"{ConsoleRegistration.PathBase}/sign-in?signedOut=true");
    }
}
