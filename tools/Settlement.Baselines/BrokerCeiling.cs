using System.Diagnostics;
using MassTransit;

namespace Settlement.Baselines;

/// <summary>The message of the broker baseline: small, like the saga's commands.</summary>
public record BaselinePing
{
    public int Sequence { get; init; }
    public Guid OperationId { get; init; }
    public decimal Amount { get; init; }
}

/// <summary>
/// The broker's ceiling with MassTransit and no saga: <c>messages</c> durable messages sent (publisher confirms on, as in
/// the service) to one queue and consumed by an empty consumer with the settlement endpoint's prefetch. Messages per
/// second from the first send to the last message consumed. The queue is a quorum queue when <c>quorum</c> is set, as the
/// service's queues are with <c>RabbitMq:QueueType = quorum</c>.
/// </summary>
static class BrokerCeiling
{
    const string QueueName = "settlement-baseline";

    public static async Task<object> RunAsync(Uri rabbit, int messages, int concurrency, bool quorum)
    {
        var consumer = new CountingConsumer(messages);
        var bus = Bus.Factory.CreateUsingRabbitMq(configure =>
        {
            configure.Host(rabbit);
            configure.ReceiveEndpoint(QueueName, endpoint =>
            {
                endpoint.PurgeOnStartup = true;
                if (quorum)
                    endpoint.SetQuorumQueue();
                endpoint.PrefetchCount = 1000;
                endpoint.ConcurrentMessageLimit = concurrency;
                endpoint.Consumer(() => consumer);
            });
        });
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            // exchange:, as the service sends: MassTransit declares the queue of a queue: address as a classic queue, which
            // RabbitMQ refuses for a quorum queue. The endpoint binds its queue to the exchange of the same name.
            var queue = await bus.GetSendEndpoint(new Uri($"exchange:{QueueName}"));
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async lane =>
            {
                for (var sequence = lane; sequence < messages; sequence += concurrency)
                    await queue.Send(new BaselinePing { Sequence = sequence, OperationId = Guid.NewGuid(), Amount = 1.5m });
            }));
            var sent = clock.Elapsed;
            await consumer.AllConsumed.WaitAsync(TimeSpan.FromMinutes(10));
            var consumed = clock.Elapsed;
            Console.Error.WriteLine($"broker baseline: {messages} sent in {sent.TotalSeconds:F1} s, consumed in {consumed.TotalSeconds:F1} s");
            return new
            {
                Messages = messages,
                SendConcurrency = concurrency,
                QueueType = quorum ? "quorum" : "classic",
                SentPerSec = Math.Round(messages / sent.TotalSeconds),
                RawMsgsPerSec = Math.Round(messages / consumed.TotalSeconds),
            };
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    sealed class CountingConsumer(int expected) : IConsumer<BaselinePing>
    {
        readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        int _consumed;

        public Task AllConsumed => _all.Task;

        public Task Consume(ConsumeContext<BaselinePing> context)
        {
            if (Interlocked.Increment(ref _consumed) == expected)
                _all.TrySetResult();
            return Task.CompletedTask;
        }
    }
}
