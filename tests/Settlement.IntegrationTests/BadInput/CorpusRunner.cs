using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Settlement.Testing;

namespace Settlement.IntegrationTests.BadInput;

/// <summary>
/// Sends one corpus case between two valid trades and asserts everything the issue asks for: the visible rejection, that
/// it was logged, that no balance changed (each funded user's, and each currency's sum over all accounts), that the bad
/// trade posted nothing that stayed in the ledger, and that both valid trades settled exactly.
/// </summary>
static class CorpusRunner
{
    public static async Task RunAsync(BadInputFixture fixture, CorpusCase corpusCase)
    {
        var (tradeId, messageId, unknownUser) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var caseId = $"{corpusCase.Name} {messageId}";
        var before = await ValidTrades.FundAsync(fixture);
        var after = await ValidTrades.FundAsync(fixture);
        var books = await fixture.BooksAsync();

        await ValidTrades.PublishAsync(fixture, before);
        var response = await SendAsync(fixture, corpusCase, tradeId, messageId, unknownUser, caseId);
        await ValidTrades.PublishAsync(fixture, after);

        await ValidTrades.AssertSettledAsync(fixture, before);
        await ValidTrades.AssertSettledAsync(fixture, after);
        await AssertRejectedAsync(fixture, corpusCase.Expected, response, tradeId, messageId, caseId);

        Assert.Equal(books, await fixture.BooksAsync());
        var entries = await fixture.Ledger.GetEntriesOfTradeAsync(tradeId);
        Assert.All(entries.GroupBy(e => (e.UserId, e.Currency)), account => Assert.Equal(0m, account.Sum(e => e.Amount)));
    }

    static async Task<HttpResponseMessage?> SendAsync(
        BadInputFixture fixture, CorpusCase corpusCase, Guid tradeId, Guid messageId, Guid unknownUser, string caseId)
    {
        var body = fixture.Fill(corpusCase.Body, tradeId, messageId, unknownUser);
        if (corpusCase.Channel == Channel.Broker)
        {
            if (corpusCase.Envelope)
                body = BadInputFixture.Envelope(body, corpusCase.MessageType, messageId);
            await fixture.PublishRawAsync(body, corpusCase.ContentType, messageId, caseId);
            return null;
        }

        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(corpusCase.ContentType);
        return await fixture.Client.PostAsync(fixture.Fill(corpusCase.Path, tradeId, messageId, unknownUser), content);
    }

    static async Task AssertRejectedAsync(
        BadInputFixture fixture, Rejection expected, HttpResponseMessage? response, Guid tradeId, Guid messageId, string caseId)
    {
        switch (expected)
        {
            case Recorded recorded:
                if (response is not null)
                    Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
                var record = await fixture.OutcomeAsync(tradeId);
                Assert.Equal((recorded.State, "SETTLEMENT_FAILED"), (record.CurrentState, record.SettlementStatus));
                Assert.Contains(recorded.Reason, record.FailureReason);
                await fixture.Logs.WaitForAsync(tradeId.ToString());
                break;

            case DeadLettered deadLettered:
                var message = await fixture.DeadLetterAsync(deadLettered.Queue, caseId);
                var header = deadLettered.Queue.EndsWith("_skipped", StringComparison.Ordinal) ? "MT-Reason" : "MT-Fault-Message";
                Assert.True(Header(message, header).Contains(deadLettered.Reason, StringComparison.Ordinal),
                    $"{header} does not mention '{deadLettered.Reason}': {message.Headers}");
                // What cannot be read or correlated fails the same way every time: dead-lettered at once, never retried.
                if (header == "MT-Fault-Message")
                    Assert.Null(message.IntHeader("MT-Fault-RetryCount"));
                await fixture.Logs.WaitForAsync(messageId.ToString());
                Assert.Null(await fixture.Records.FindAsync(tradeId));
                break;

            case Problem problem:
                var details = await response!.AssertProblemAsync((System.Net.HttpStatusCode)problem.Status, problem.Detail);
                Assert.True(details.TryGetProperty("title", out _));
                await fixture.Logs.WaitForAsync(problem.Detail);
                Assert.Null(await fixture.Records.FindAsync(tradeId));
                break;
        }
    }

    static string Header(QueuedMessage message, string name) =>
        message.Headers.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
