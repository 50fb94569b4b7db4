using System.Net;
using Npgsql;
using Settlement.Testing;

namespace Settlement.IntegrationTests.BadInput;

/// <summary>The corpus cases that are about repetition and volume rather than one bad body.</summary>
public sealed class DuplicateAndBatchTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    const int BatchSize = 2_000;

    /// <summary>
    /// A symbol of 4,000,005 characters: problem details, reasons and logs repeat its first 64 and its length only, so each stays
    /// under <see cref="MaxEchoedLine"/> characters (a log line, which adds ids, trace and path, under twice that).
    /// </summary>
    static readonly string HugeSymbol = $"{new string('A', 4_000_000)}/USDT";
    static readonly string HugeSymbolEcho = $"{new string('A', 64)}…({HugeSymbol.Length} characters)'";
    const int MaxEchoedLine = 400;

    [Fact]
    public async Task A_trade_id_sent_again_with_the_same_or_another_body_settles_once_and_the_repeats_are_logged()
    {
        var trade = await ValidTrades.FundAsync(fixture);
        var next = await ValidTrades.FundAsync(fixture);
        await ValidTrades.PublishAsync(fixture, trade);
        await ValidTrades.AssertSettledAsync(fixture, trade);
        var books = await fixture.BooksAsync();

        await ValidTrades.PublishAsync(fixture, trade);
        await ValidTrades.PublishAsync(fixture, trade with { Quantity = 0.25m, BuyerFee = 1m, SellerFee = 1m });
        await fixture.Client.PostTradeAsync(trade with { Quantity = 0.1m });
        await ValidTrades.PublishAsync(fixture, next);

        await ValidTrades.AssertSettledAsync(fixture, next);
        await ValidTrades.AssertSettledAsync(fixture, trade);
        Assert.Equal(5, (await fixture.Ledger.GetEntriesOfTradeAsync(trade.TradeId)).Count);
        await Poll.UntilAsync(() => fixture.Logs.Events.Count(e => e.Mentions("Duplicate TradeExecuted") && e.Mentions(trade.TradeId.ToString())) >= 3,
            TimeSpan.FromSeconds(30), () => "The three repeats were not each logged.");

        var after = await fixture.BooksAsync();
        Assert.Equal(books.Where(b => b.Key.StartsWith("sum/", StringComparison.Ordinal)), after.Where(b => b.Key.StartsWith("sum/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Two_thousand_invalid_trades_published_at_once_are_all_rejected_while_valid_trades_between_them_settle()
    {
        var valid = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ValidTrades.FundAsync(fixture)));
        var books = await fixture.BooksAsync();
        var batch = Enumerable.Range(0, BatchSize).Select(_ => Guid.NewGuid()).ToList();

        for (var i = 0; i < BatchSize; i++)
        {
            if (i % (BatchSize / valid.Length) == 0)
                await ValidTrades.PublishAsync(fixture, valid[i / (BatchSize / valid.Length)]);
            var messageId = Guid.NewGuid();
            var body = fixture.Fill(BrokerCorpus.Trade(("price", "\"0\"")), batch[i], messageId, Guid.Empty);
            await fixture.PublishRawAsync(BadInputFixture.Envelope(body, CorpusCase.TradeExecutedUrn, messageId), CorpusCase.MassTransitJson,
                messageId, $"batch {i}");
        }

        foreach (var trade in valid)
            await ValidTrades.AssertSettledAsync(fixture, trade);
        await fixture.OutcomeAsync(batch[^1]);
        Assert.Equal(BatchSize, await CountRejectedAsync(batch));
        Assert.Equal(books, await fixture.BooksAsync());
        // Serilog hands events on to other logging providers rendered its way, string values in quotes: failed at "Validation": "price 0 …".
        Assert.Equal(BatchSize, fixture.Logs.Events.Count(e => e.Mentions("failed at") && e.Mentions("price 0 is not positive") && batch.Any(id => e.Mentions(id.ToString()))));
    }

    [Fact]
    public async Task A_batch_of_trades_posted_to_the_api_as_one_array_or_an_oversized_body_is_refused_and_publishes_nothing()
    {
        var trades = Enumerable.Range(0, BatchSize).Select(_ => Fill(BrokerCorpus.Trade())).ToList();
        var array = await fixture.Client.PostJsonAsync("/api/trades", $"[{string.Join(",", trades)}]");
        await array.AssertProblemAsync(HttpStatusCode.BadRequest, "the body must be a JSON object");

        var huge = await fixture.Client.PostJsonAsync("/api/trades", Fill(BrokerCorpus.Trade(("symbol", $"\"{HugeSymbol}\""))));
        var problem = await huge.AssertProblemAsync(HttpStatusCode.BadRequest, "is not BASE/QUOTE", HugeSymbolEcho);
        Assert.InRange(problem.GetProperty("detail").GetString()!.Length, 1, MaxEchoedLine);
        await fixture.Logs.WaitForAsync("the body must be a JSON object");
        Assert.InRange((await fixture.Logs.WaitForAsync(HugeSymbolEcho)).Message.Length, 1, 2 * MaxEchoedLine);
    }

    [Fact]
    public async Task A_trade_with_a_4_MB_symbol_over_the_broker_is_rejected_with_the_symbol_cut_short_in_its_record_and_log()
    {
        var (tradeId, messageId) = (Guid.NewGuid(), Guid.NewGuid());
        var body = fixture.Fill(BrokerCorpus.Trade(("symbol", $"\"{HugeSymbol}\"")), tradeId, messageId, Guid.Empty);
        await fixture.PublishRawAsync(BadInputFixture.Envelope(body, CorpusCase.TradeExecutedUrn, messageId), CorpusCase.MassTransitJson,
            messageId, $"huge symbol {messageId}");

        var record = await fixture.OutcomeAsync(tradeId);
        Assert.Equal("Rejected", record.CurrentState);
        Assert.Contains(HugeSymbolEcho, record.FailureReason);
        Assert.InRange(record.FailureReason!.Length, 1, MaxEchoedLine);
        Assert.InRange(record.Symbol.Length, 1, MaxEchoedLine);
        var log = await fixture.Logs.WaitForAsync(tradeId.ToString(), HugeSymbolEcho);
        Assert.InRange(log.Message.Length, 1, 2 * MaxEchoedLine);
    }

    string Fill(string body) => fixture.Fill(body, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

    async Task<long> CountRejectedAsync(IReadOnlyList<Guid> tradeIds)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            await using var connection = new NpgsqlConnection(fixture.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM settlement.settlements WHERE trade_id = ANY($1) AND current_state = 'Rejected'", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = tradeIds.ToArray() });
            var count = (long)(await command.ExecuteScalarAsync())!;
            if (count == tradeIds.Count || DateTime.UtcNow > deadline)
                return count;
            await Task.Delay(200);
        }
    }
}
