using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Settlement.Operations.OperatorConsole;

/// <summary>
/// Signs an operator in when the key typed into the form is the admin API's key (compared in constant time), and logs
/// every refusal without the key. A signed-in operator holds the console's session cookie, nothing else.
/// </summary>
public sealed class ConsoleSignIn(IOptions<ApiOptions> options, ILogger<ConsoleSignIn> logger)
{
    readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    /// <summary>Signs in and returns true for the right key; logs and returns false for none or a wrong one.</summary>
    public async Task<bool> SignInAsync(HttpContext http, string? presented)
    {
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented ?? string.Empty), _key))
        {
            logger.LogWarning("Console sign-in refused from {RemoteAddress}: {Problem}", http.Connection.RemoteIpAddress,
                string.IsNullOrEmpty(presented) ? "no API key" : "wrong API key");
            return false;
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], ConsoleRegistration.Scheme);
        await http.SignInAsync(ConsoleRegistration.Scheme, new ClaimsPrincipal(identity));
        logger.LogInformation("Console sign-in from {RemoteAddress}", http.Connection.RemoteIpAddress);
        return true;
    }

    public Task SignOutAsync(HttpContext http) => http.SignOutAsync(ConsoleRegistration.Scheme);
}
