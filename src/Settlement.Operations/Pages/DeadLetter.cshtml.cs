using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Settlement.Operations.DeadLetters;

namespace Settlement.Operations.Pages;

/// <summary>One dead letter in full (headers, body with its amounts as sent) and its retry, confirmed first.</summary>
public sealed class DeadLetterModel(DeadLetterService deadLetters) : PageModel
{
    public DeadLetterMessage? Message { get; private set; }
    public RetriedMessage? Retried { get; private set; }
    public string? Problem { get; private set; }

    [FromQuery] public string? Confirm { get; set; }

    public string Queue { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(string queue, string messageId, CancellationToken cancellationToken)
    {
        Queue = queue;
        var outcome = await deadLetters.ReadAsync(queue, messageId, cancellationToken);
        if (outcome.Problem is { } problem)
            return Refuse(problem);
        Message = outcome.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(string queue, string messageId, CancellationToken cancellationToken)
    {
        Queue = queue;
        var outcome = await deadLetters.RetryAsync(queue, messageId, cancellationToken);
        if (outcome.Problem is { } problem)
            return Refuse(problem with { Detail = $"Nothing was done: {problem.Detail}" });
        Retried = outcome.Value;
        return Page();
    }

    /// <summary>The body indented when it is JSON: every token, numbers included, is written as it was sent.</summary>
    public string Body
    {
        get
        {
            var body = Message?.Body ?? string.Empty;
            try
            {
                using var json = JsonDocument.Parse(body);
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                    json.WriteTo(writer);
                return Encoding.UTF8.GetString(buffer.ToArray());
            }
            catch (JsonException)
            {
                return body;
            }
        }
    }

    IActionResult Refuse(DeadLetterProblem problem)
    {
        Problem = problem.Detail;
        Response.StatusCode = problem.Kind switch
        {
            DeadLetterProblemKind.NotAnErrorQueue => StatusCodes.Status400BadRequest,
            DeadLetterProblemKind.UnknownQueue or DeadLetterProblemKind.UnknownMessage => StatusCodes.Status404NotFound,
            DeadLetterProblemKind.BrokerRefused => StatusCodes.Status502BadGateway,
            _ => StatusCodes.Status409Conflict,
        };
        return Page();
    }
}
