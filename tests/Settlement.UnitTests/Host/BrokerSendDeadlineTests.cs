using Microsoft.Extensions.Options;
using Settlement.Operations;

namespace Settlement.UnitTests.Host;

public class BrokerSendDeadlineTests
{
    static readonly BrokerSendDeadline Deadline = new(Options.Create(new RabbitMqOptions { PublishTimeout = TimeSpan.FromSeconds(1) }));

    [Fact]
    public async Task A_send_the_broker_confirms_in_time_is_sent()
    {
        var token = CancellationToken.None;

        Assert.True(await Deadline.TrySendAsync(async sendToken => { token = sendToken; await Task.Yield(); }, CancellationToken.None));
        Assert.True(token.CanBeCanceled, "The send was not given the deadline's token.");
    }

    [Fact]
    public async Task A_send_waiting_for_a_broker_that_is_down_is_cancelled_at_the_deadline_and_not_sent()
    {
        // Set by the send when its token is cancelled, which may be just after the caller has been answered.
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var sent = await Deadline.TrySendAsync(async token =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        }, CancellationToken.None);

        Assert.False(sent);
        Assert.True(await Task.WhenAny(cancelled.Task, Task.Delay(TimeSpan.FromSeconds(30))) == cancelled.Task,
            "The send's token was not cancelled at the deadline.");
    }

    [Fact]
    public async Task A_send_that_heeds_no_token_is_left_behind_at_the_deadline()
    {
        var never = new TaskCompletionSource();

        Assert.False(await Deadline.TrySendAsync(_ => never.Task, CancellationToken.None));
    }

    [Fact]
    public async Task A_request_cancelled_by_its_client_is_cancelled_not_answered_as_a_broker_timeout()
    {
        using var client = new CancellationTokenSource();
        var sending = Deadline.TrySendAsync(token => Task.Delay(Timeout.Infinite, token), client.Token);

        await client.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
    }

    [Fact]
    public async Task A_send_that_fails_fails_the_request()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Deadline.TrySendAsync(_ => Task.FromException(new InvalidOperationException("refused")), CancellationToken.None));

        Assert.Equal("refused", failure.Message);
    }
}
