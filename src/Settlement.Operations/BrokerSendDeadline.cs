using Microsoft.Extensions.Options;

namespace Settlement.Operations;

/// <summary>
/// Bounds a send that an HTTP request waits on by <see cref="RabbitMqOptions.PublishTimeout"/>. Without a bound the request
/// waits as long as the broker is down (MassTransit waits for the connection to come back), or for ever when RabbitMQ's
/// client 7.2.2 leaves a send waiting for the confirm of a channel lost with a broker node.
/// </summary>
public sealed class BrokerSendDeadline(IOptions<RabbitMqOptions> options)
{
    public TimeSpan Timeout => options.Value.PublishTimeout;

    /// <summary>"The message broker did not confirm the trade … within 30 s (RabbitMq:PublishTimeout): it may not have been sent."</summary>
    public string NotConfirmed(string what) =>
        $"The message broker did not confirm {what} within {Timeout.TotalSeconds:0.#} s ({RabbitMqOptions.SectionName}:PublishTimeout): " +
        "it may not have been sent.";

    /// <summary>
    /// Runs <paramref name="send"/> with a token cancelled at the deadline. True once the broker has taken the message; false
    /// when the deadline came first: the message was then not sent, or sent without its confirm having come back.
    /// </summary>
    public async Task<bool> TrySendAsync(Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        var sending = send(deadline.Token);
        try
        {
            // Waited on with the same token: a send stranded on a disposed channel heeds no token.
            await sending.WaitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The send left behind may still fail: observe it, so its exception is not reported as unobserved.
            _ = sending.ContinueWith(abandoned => abandoned.Exception, TaskContinuationOptions.OnlyOnFaulted);
            return false;
        }
    }
}
