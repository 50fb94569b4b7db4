using System.Net;
using System.Net.Http.Json;
using RabbitMQ.Client;
using Settlement.Operations.DeadLetters;
using Settlement.Testing;

namespace Settlement.IntegrationTests.DeadLetters;

/// <summary>
/// No loss, no reordering: five dead letters in a queue pair nobody consumes (<see cref="ProbeQueues"/>), read and moved
/// through the API, and read back both through the API and through the management API's peek, an independent reader.
/// </summary>
public class DeadLetterOrderTests(ServersFixture fixture) : IClassFixture<ServersFixture>, IAsyncLifetime
{
    ServiceWithApi _service = null!;
    ProbeQueues _probe = null!;
    IReadOnlyList<string> _ids = null!;

    public async Task InitializeAsync()
    {
        _service = await ServiceWithApi.StartAsync(fixture.Servers);
        _probe = await ProbeQueues.CreateAsync(_service.RabbitMqUri);
        _ids = await _probe.DeadLetterAsync(5);
    }

    public async Task DisposeAsync()
    {
        await _probe.DisposeAsync();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task A_listing_shows_every_message_in_queue_order_and_leaves_them_where_they_were()
    {
        var first = await _service.ListAsync(_probe.Errors);

        Assert.Equal(_ids, first.Messages.Select(m => m.MessageId));
        Assert.Equal(new ErrorQueueSummary(_probe.Errors, 5, 5), Assert.Single(first.Queues));
        Assert.All(first.Messages, m => Assert.Equal(("DebitBalance", 3, "System.TimeoutException", _probe.Source),
            (m.MessageType, m.RetryCount, m.ExceptionType, m.ReturnQueue)));
        Assert.Equal("System.TimeoutException: attempt 2 timed out", first.Messages[1].Reason);

        Assert.Equivalent(first, await _service.ListAsync(_probe.Errors), strict: true);
        Assert.Equal(_ids, await PeekErrorsAsync());

        var limited = await _service.Api.GetFromJsonAsync<DeadLetterListing>($"/api/dead-letters?queue={_probe.Errors}&limit=2");
        Assert.Equal(_ids.Take(2), limited!.Messages.Select(m => m.MessageId));
        Assert.Equal(new ErrorQueueSummary(_probe.Errors, 5, 2), Assert.Single(limited.Queues));
        Assert.Equal(_ids, await PeekErrorsAsync());
    }

    [Fact]
    public async Task Retrying_one_message_moves_it_alone_unchanged_but_for_the_fault_headers_and_keeps_the_others_in_order()
    {
        var before = await PeekAsync(_probe.Errors);

        await RetryAsync(_ids[2]);

        Assert.Equal([_ids[0], _ids[1], _ids[3], _ids[4]], await PeekErrorsAsync());
        var moved = Assert.Single(await PeekAsync(_probe.Source));
        Assert.Equal(before[2].Payload, moved.Payload);
        // Every publish through RabbitMQ.Client 7 with confirm tracking is stamped with its sequence number, MassTransit's too.
        var headers = moved.Headers.EnumerateObject().Where(h => h.Name != Constants.PublishSequenceNumberHeader).ToDictionary(h => h.Name, h => h.Value.ToString());
        Assert.Equal(new Dictionary<string, string> { [ProbeQueues.SenderHeader] = "t1" }, headers);

        // The first and the last: nothing ahead of the one, nothing behind the other.
        await RetryAsync(_ids[0]);
        await RetryAsync(_ids[4]);
        Assert.Equal([_ids[1], _ids[3]], (await _service.ListAsync(_probe.Errors)).Messages.Select(m => m.MessageId));
        Assert.Equal([_ids[2], _ids[0], _ids[4]], ProbeQueues.MessageIds(await PeekAsync(_probe.Source)));
    }

    [Fact]
    public async Task A_reader_that_dies_holding_messages_loses_none_and_reorders_none()
    {
        // What a listing or a retry holds when its process dies: messages taken and not acknowledged, one of them rejected.
        await using var reader = await _probe.ConnectAsync();
        var channel = await reader.CreateChannelAsync();
        var taken = new List<ulong>();
        for (var i = 0; i < 3; i++)
            taken.Add((await channel.BasicGetAsync(_probe.Errors, autoAck: false))!.DeliveryTag);
        await channel.BasicNackAsync(taken[1], multiple: false, requeue: true);
        await reader.AbortAsync();

        Assert.Equal(_ids, (await _service.ListAsync(_probe.Errors)).Messages.Select(m => m.MessageId));
        Assert.Equal(_ids, await PeekErrorsAsync());
    }

    [Fact]
    public async Task Retrying_all_moves_every_message_in_order_and_counts_them()
    {
        var response = await _service.Api.PostAsync($"/api/dead-letters/{_probe.Errors}/retry", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new RetriedQueue(_probe.Errors, _probe.Source, 5, Completed: true, $"Retry all of {_probe.Errors}"),
            await response.Content.ReadFromJsonAsync<RetriedQueue>());
        Assert.Equal(_ids, ProbeQueues.MessageIds(await PeekAsync(_probe.Source)));
        Assert.Empty(await PeekAsync(_probe.Errors));
    }

    async Task RetryAsync(string messageId)
    {
        var response = await _service.Api.PostAsync($"/api/dead-letters/{_probe.Errors}/{messageId}/retry", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var retried = await response.Content.ReadFromJsonAsync<RetriedMessage>();
        Assert.Equal((messageId, _probe.Source), (retried!.MessageId, retried.Destination));
    }

    async Task<IReadOnlyList<string>> PeekErrorsAsync() => ProbeQueues.MessageIds(await PeekAsync(_probe.Errors));

    Task<IReadOnlyList<QueuedMessage>> PeekAsync(string queue) => _service.Management.PeekAsync(_service.VirtualHost, queue);
}
