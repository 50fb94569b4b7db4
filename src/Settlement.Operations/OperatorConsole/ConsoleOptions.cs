using System.ComponentModel.DataAnnotations;

namespace Settlement.Operations.OperatorConsole;

/// <summary>
/// What the console needs of the configuration: the admin API's key (<c>Api:Key</c>), which an operator types into the
/// sign-in form. One key for the API and the console, so that revoking it revokes both.
/// </summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Api";

    [Required(ErrorMessage = "Api:Key is required: the console's sign-in compares against it")]
    [MinLength(16, ErrorMessage = "Api:Key must be at least 16 characters")]
    public string Key { get; set; } = string.Empty;

    /// <summary>Dead letters in one queue above which the SettlementDeadLetters alert fires (<c>Observability:DeadLetterAlertThreshold</c>).</summary>
    public int DeadLetterAlertThreshold { get; set; } = 10;
}
