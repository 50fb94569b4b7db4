using System.ComponentModel.DataAnnotations;

namespace Settlement.Host.Api;

/// <summary>The admin and integration HTTP API, bound from the configuration section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>The key every <c>/api</c> request must carry in the <c>X-Api-Key</c> header. At least 16 characters.</summary>
    [Required(ErrorMessage = "Api:Key is required: every admin route needs it")]
    [MinLength(16, ErrorMessage = "Api:Key must be at least 16 characters")]
    public string Key { get; set; } = string.Empty;
}
