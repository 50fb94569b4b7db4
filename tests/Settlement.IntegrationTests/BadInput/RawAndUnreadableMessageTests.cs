using Settlement.Testing;
using Settlement.Wallet;

namespace Settlement.IntegrationTests.BadInput;

/// <summary><see cref="BadInputFixture"/> with the production retry intervals (1 s, 2 s, 4 s) on the saga and the wallet.</summary>
public sealed class ProductionRetriesFixture : BadInputFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Settlement:InitialRetryInterval"] = "00:00:01",
        ["Wallet:InitialRetryInterval"] = "00:00:01",
    };
}

/// <summary>
/// A TradeExecuted published as plain <c>application/json</c> settles like one in MassTransit's envelope; a message whose
/// fields cannot be read (an amount no decimal holds, a malformed GUID) fails the same way every time, so it is
/// dead-lettered at once, on the saga's endpoint and on the wallet's, not after 1 s + 2 s + 4 s of retries.
/// </summary>
public sealed class RawAndUnreadableMessageTests(ProductionRetriesFixture fixture) : IClassFixture<ProductionRetriesFixture>
{
    [Fact]
    public async Task A_TradeExecuted_published_as_plain_application_json_settles_exactly_like_an_enveloped_one()
    {
        var plain = await ValidTrades.FundAsync(fixture);
        var enveloped = await ValidTrades.FundAsync(fixture);

        await ValidTrades.PublishAsync(fixture, plain, envelope: false);
        await ValidTrades.PublishAsync(fixture, enveloped);

        await ValidTrades.AssertSettledAsync(fixture, plain);
        await ValidTrades.AssertSettledAsync(fixture, enveloped);
        Assert.Equal(5, (await fixture.Ledger.GetEntriesOfTradeAsync(plain.TradeId)).Count);
    }

    [Theory]
    [InlineData("price", "1e30", "'1e30' is too large for an amount", true)]
    [InlineData("price", "1e30", "'1e30' is too large for an amount", false)]
    [InlineData("buyerUserId", "\"not-a-guid\"", "The JSON value is not in a supported Guid format", true)]
    [InlineData("tradeId", "\"trade-42\"", "The JSON value is not in a supported Guid format", false)]
    public async Task A_TradeExecuted_whose_fields_cannot_be_read_goes_to_settlement_error_at_once_without_retries(
        string field, string json, string reason, bool envelope)
    {
        var (tradeId, messageId) = (Guid.NewGuid(), Guid.NewGuid());
        var caseId = $"unreadable {field} {messageId}";
        var body = fixture.Fill(BrokerCorpus.Trade((field, json)), tradeId, messageId, Guid.Empty);

        if (envelope)
            await fixture.PublishRawAsync(BadInputFixture.Envelope(body, CorpusCase.TradeExecutedUrn, messageId), CorpusCase.MassTransitJson, messageId, caseId);
        else
            await fixture.PublishRawAsync(body, CorpusCase.Json, messageId, caseId);
        var message = await fixture.DeadLetterAsync("settlement_error", caseId);

        AssertDeadLetteredWithoutRetries(message, reason);
        Assert.Null(await fixture.Records.FindAsync(tradeId));
    }

    [Theory]
    [InlineData("amount", "1e30", "'1e30' is too large for an amount")]
    [InlineData("userId", "\"not-a-guid\"", "The JSON value is not in a supported Guid format")]
    public async Task A_wallet_command_whose_fields_cannot_be_read_goes_to_wallet_error_at_once_without_retries(
        string field, string json, string reason)
    {
        var messageId = Guid.NewGuid();
        var caseId = $"unreadable wallet {field} {messageId}";
        var fields = new Dictionary<string, string>
        {
            ["operationId"] = $"\"{Guid.NewGuid()}\"",
            ["tradeId"] = $"\"{Guid.NewGuid()}\"",
            ["userId"] = $"\"{fixture.Buyer}\"",
            ["currency"] = $"\"{fixture.Market.Quote}\"",
            ["amount"] = "\"1\"",
            ["reason"] = "\"TradeSettlement\"",
        };
        fields[field] = json;
        var command = "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
        var books = await fixture.BooksAsync();

        await fixture.PublishRawAsync(BadInputFixture.Envelope(command, "urn:message:Settlement.Contracts:DebitBalance", messageId),
            CorpusCase.MassTransitJson, messageId, caseId, exchange: WalletEndpoint.Name);
        var message = await fixture.DeadLetterAsync($"{WalletEndpoint.Name}_error", caseId);

        AssertDeadLetteredWithoutRetries(message, reason);
        Assert.Equal(books, await fixture.BooksAsync());
    }

    /// <summary>
    /// MassTransit writes <c>MT-Fault-RetryCount</c> on a dead letter whose consumer was retried; none means it was
    /// dead-lettered on its first failure.
    /// </summary>
    static void AssertDeadLetteredWithoutRetries(QueuedMessage message, string reason)
    {
        Assert.True(message.Headers.TryGetProperty("MT-Fault-Message", out var fault) && fault.GetString()!.Contains(reason, StringComparison.Ordinal),
            $"MT-Fault-Message does not mention '{reason}': {message.Headers}");
        Assert.Null(message.IntHeader("MT-Fault-RetryCount"));
    }
}
