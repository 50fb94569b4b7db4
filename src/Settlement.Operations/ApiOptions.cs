using System.ComponentModel.DataAnnotations;

namespace Settlement.Operations;

/// <summary>
/// The admin and integration HTTP API and the operator console, bound from the configuration section <c>Api</c>: one key
/// for both, so that revoking it revokes both.
/// </summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>
    /// The key every <c>/api</c> request must carry in the <c>X-Api-Key</c> header, and an operator types into the console's
    /// sign-in form. At least 16 characters.
    /// </summary>
    [Required(ErrorMessage = "Api:Key is required: every admin route needs it")]
    [MinLength(16, ErrorMessage = "Api:Key must be at least 16 characters")]
    public string Key { get; set; } = string.Empty;
}
