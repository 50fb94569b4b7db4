using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using RabbitMQ.Client;
using Settlement.IntegrationTests.Api;
using Settlement.IntegrationTests.Settlement;
using Settlement.IntegrationTests.Wallet;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.BadInput;

/// <summary>
/// The service with its API (<see cref="ApiFixture"/>), its Warning and Error logs captured, two funded users whom the bad
/// trades name (<see cref="Buyer"/>, <see cref="Seller"/>), and a raw RabbitMQ channel into its virtual host to publish
/// bytes MassTransit never checked.
/// </summary>
public class BadInputFixture : ApiFixture
{
    public const string TradeExecutedExchange = "Settlement.Contracts:TradeExecuted";

    /// <summary>A header every corpus message carries, to find it again in a dead-letter queue.</summary>
    public const string CaseHeader = "x-corpus-case";

    IConnection _connection = null!;
    IChannel _channel = null!;

    internal CapturedLogs Logs { get; } = new();
    internal Market Market { get; } = new();
    internal RabbitMqManagement Management { get; private set; } = null!;
    public Guid Buyer { get; } = Guid.NewGuid();
    public Guid Seller { get; } = Guid.NewGuid();

    internal WalletLedger Ledger => Services.GetRequiredService<WalletLedger>();
    internal SettlementRecords Records => Services.GetRequiredService<SettlementRecords>();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Management = new RabbitMqManagement(Servers.RabbitMqManagementUri);
        _connection = await new ConnectionFactory { Uri = new Uri(Servers.RabbitMqUri, VirtualHost) }.CreateConnectionAsync();
        _channel = await _connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        foreach (var (user, currency) in new[] { (Buyer, Market.Quote), (Buyer, Market.Base), (Seller, Market.Base), (Seller, Market.Quote) })
            await DepositAsync(user, currency, 1_000_000m);
    }

    public Task DepositAsync(Guid userId, string currency, decimal amount) => Ledger.DepositAsync(userId, currency, amount);

    /// <summary>The case's text with its placeholders filled in.</summary>
    internal string Fill(string text, Guid tradeId, Guid messageId, Guid unknownUser) => text
        .Replace("$TRADE", tradeId.ToString()).Replace("$MESSAGE", messageId.ToString()).Replace("$UNKNOWN", unknownUser.ToString())
        .Replace("$BUYER", Buyer.ToString()).Replace("$SELLER", Seller.ToString()).Replace("$SYMBOL", Market.Symbol)
        .Replace("$BASE", Market.Base).Replace("$QUOTE", Market.Quote);

    /// <summary>
    /// Publishes <paramref name="body"/> as it is to <paramref name="exchange"/> (the TradeExecuted exchange unless told), and
    /// waits for the broker's confirm.
    /// </summary>
    public async Task PublishRawAsync(string body, string contentType, Guid messageId, string caseId, string exchange = TradeExecutedExchange)
    {
        var properties = new BasicProperties
        {
            MessageId = messageId.ToString(),
            ContentType = contentType,
            Persistent = true,
            Headers = new Dictionary<string, object?> { [CaseHeader] = caseId },
        };
        await _channel.BasicPublishAsync(exchange, string.Empty, mandatory: false, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>MassTransit's envelope around <paramref name="message"/>, inserted as text so that a malformed message stays malformed.</summary>
    public static string Envelope(string message, string messageType, Guid messageId) =>
        $$"""{"messageId":"{{messageId}}","messageType":["{{messageType}}"],"message":{{message}}}""";

    /// <summary>Every balance of the funded users, and the sum over all accounts of the market's two currencies.</summary>
    public async Task<IReadOnlyDictionary<string, decimal>> BooksAsync()
    {
        Dictionary<string, decimal> books = [];
        foreach (var user in new[] { Buyer, Seller })
            foreach (var account in await Ledger.GetBalancesAsync(user))
                books[$"{user}/{account.Currency}"] = account.Available;

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT currency, sum(available) FROM wallet.accounts WHERE currency = ANY($1) GROUP BY currency", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = new[] { Market.Base, Market.Quote } });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            books[$"sum/{reader.GetString(0)}"] = reader.GetDecimal(1);
        return books;
    }

    /// <summary>Waits until the message of <paramref name="caseId"/> is in <paramref name="queue"/>, and returns it.</summary>
    internal Task<QueuedMessage> DeadLetterAsync(string queue, string caseId) => Poll.ForAsync(
        async () => (await Management.PeekAsync(VirtualHost, queue, 1000)).FirstOrDefault(m =>
            m.Headers.ValueKind == System.Text.Json.JsonValueKind.Object && m.Headers.TryGetProperty(CaseHeader, out var id) && id.GetString() == caseId),
        TimeSpan.FromSeconds(15), () => $"The message of {caseId} did not reach {queue}.", TimeSpan.FromMilliseconds(100));

    /// <summary>Waits until the trade's record reaches a final state, and returns it.</summary>
    internal Task<SettlementState> OutcomeAsync(Guid tradeId) => Records.WaitForOutcomeAsync(tradeId, TimeSpan.FromSeconds(30));

    public override async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
        Management.Dispose();
        await base.DisposeAsync();
    }
}
