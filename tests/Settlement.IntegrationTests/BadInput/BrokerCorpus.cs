namespace Settlement.IntegrationTests.BadInput;

/// <summary>
/// The bad <c>TradeExecuted</c> events of the corpus, published raw to the exchange <c>Settlement.Contracts:TradeExecuted</c>,
/// in MassTransit's envelope or as plain <c>application/json</c>, which the service reads as a <c>TradeExecuted</c>.
/// A body MassTransit cannot read lands in <c>settlement_error</c> (MT-Fault-Message says why); a readable trade the saga
/// refuses is recorded Rejected with the reason; a trade the wallet refuses (unknown account) is rolled back.
/// </summary>
static class BrokerCorpus
{
    const string Error = "settlement_error";
    const string Skipped = "settlement_skipped";
    const string EmptyTradeId = "empty TradeId";

    static CorpusCase Case(string name, string body, Rejection expected, string contentType = CorpusCase.MassTransitJson,
        bool envelope = true, string messageType = CorpusCase.TradeExecutedUrn) =>
        new(name, Channel.Broker, body, expected, contentType, envelope, messageType);

    static Recorded Rejected(string reason) => new("Rejected", reason);

    public static IReadOnlyList<CorpusCase> Cases { get; } =
    [
        // Malformed bodies: MassTransit cannot read an envelope, so nothing is recorded and the message is dead-lettered.
        Case("not JSON at all", "settle this trade please", new DeadLettered(Error, "'s' is an invalid start of a value"), envelope: false),
        Case("truncated envelope",
            """{"messageId":"$MESSAGE","messageType":["urn:message:Settlement.Contracts:TradeExecuted"],"message":{"tradeId":"$TRADE","symbol":"$SYM""",
            new DeadLettered(Error, "Expected end of string, but instead reached end of data"), envelope: false),
        Case("XML with content type application/xml", """<trade id="$TRADE"><symbol>$SYMBOL</symbol></trade>""",
            new DeadLettered(Error, "'<' is an invalid start of a value"), "application/xml", envelope: false),
        Case("empty body", "", new DeadLettered(Error, "The input does not contain any JSON tokens"), envelope: false),
        Case("envelope without message", """{"messageId":"$MESSAGE","messageType":["urn:message:Settlement.Contracts:TradeExecuted"]}""",
            new DeadLettered(Error, "Value cannot be null. (Parameter 'envelope')"), envelope: false),
        Case("raw application/json that is truncated", """{"tradeId":"$TRADE","symbol":""",
            new DeadLettered(Error, "There is an open JSON object or array that should be closed"),
            CorpusCase.Json, envelope: false),

        // A message of another type.
        Case("DepositFunds body sent as TradeExecuted",
            """{"operationId":"$MESSAGE","userId":"$BUYER","currency":"$QUOTE","amount":"1000"}""", new DeadLettered(Error, EmptyTradeId)),
        Case("DebitBalance body sent as TradeExecuted",
            """{"operationId":"$MESSAGE","tradeId":"$TRADE","userId":"$BUYER","currency":"$QUOTE","amount":"1000","reason":"TradeSettlement"}""",
            Rejected("BuyerUserId is empty")),
        Case("DebitBalance envelope published to the TradeExecuted exchange",
            """{"operationId":"$MESSAGE","tradeId":"$TRADE","userId":"$BUYER","currency":"$QUOTE","amount":"1000","reason":"TradeSettlement"}""",
            new DeadLettered(Skipped, "dead-letter"), messageType: "urn:message:Settlement.Contracts:DebitBalance"),
        Case("JSON array instead of the trade object", $"[{Trade()}]", new DeadLettered(Error, "could not be converted")),
        Case("raw application/json array of trades", $"[{Trade()},{Trade()}]", new DeadLettered(Error, "could not be converted"),
            CorpusCase.Json, envelope: false),

        // Raw application/json (no envelope), as a matching engine not written in .NET publishes it: always read as a TradeExecuted.
        Case("raw application/json trade with a zero price", Trade(("price", "\"0\"")), Rejected("price 0 is not positive"),
            CorpusCase.Json, envelope: false),
        Case("raw application/json trade with price 1e30", Trade(("price", "1e30")),
            new DeadLettered(Error, "'1e30' is too large for an amount"), CorpusCase.Json, envelope: false),
        Case("raw application/json trade with a tradeId that is not a GUID", Trade(("tradeId", "\"trade-42\"")),
            new DeadLettered(Error, "The JSON value is not in a supported Guid format"), CorpusCase.Json, envelope: false),
        Case("raw application/json DepositFunds body", """{"operationId":"$MESSAGE","userId":"$BUYER","currency":"$QUOTE","amount":"1000"}""",
            new DeadLettered(Error, EmptyTradeId), CorpusCase.Json, envelope: false),

        // Missing fields: System.Text.Json leaves them at their defaults, which the saga refuses.
        Case("tradeId missing", Trade(("tradeId", null)), new DeadLettered(Error, EmptyTradeId)),
        Case("tradeId the empty GUID", Trade(("tradeId", "\"00000000-0000-0000-0000-000000000000\"")), new DeadLettered(Error, EmptyTradeId)),
        Case("tradeId not a GUID", Trade(("tradeId", "\"trade-42\"")), new DeadLettered(Error, "The JSON value is not in a supported Guid format")),
        Case("symbol missing", Trade(("symbol", null)), Rejected("symbol '' is not BASE/QUOTE")),
        Case("buyerUserId missing", Trade(("buyerUserId", null)), Rejected("BuyerUserId is empty")),
        Case("sellerUserId missing", Trade(("sellerUserId", null)), Rejected("SellerUserId is empty")),
        Case("price missing", Trade(("price", null)), Rejected("price 0 is not positive")),
        Case("quantity missing", Trade(("quantity", null)), Rejected("quantity 0 is not positive")),

        // Amounts.
        Case("zero price", Trade(("price", "\"0\"")), Rejected("price 0 is not positive")),
        Case("negative price", Trade(("price", "-50000")), Rejected("price -50000 is not positive")),
        Case("zero quantity", Trade(("quantity", "0")), Rejected("quantity 0 is not positive")),
        Case("negative quantity", Trade(("quantity", "\"-0.5\"")), Rejected("quantity -0.5 is not positive")),
        Case("negative buyer fee", Trade(("buyerFee", "\"-0.01\"")), Rejected("buyer fee -0.01 is negative")),
        Case("negative seller fee", Trade(("sellerFee", "-1")), Rejected("seller fee -1 is negative")),
        Case("seller fee larger than the notional", Trade(("sellerFee", "\"25000.01\"")), Rejected("exceeds price × quantity")),
        Case("price 1e30 as a number", Trade(("price", "1e30")), new DeadLettered(Error, "'1e30' is too large for an amount")),
        Case("price 1e30 as a string", Trade(("price", "\"1e30\"")), new DeadLettered(Error, "'1e30' is too large for an amount")),
        Case("quantity 1e21: a decimal, but 10^20 or more", Trade(("quantity", "\"1e21\"")), Rejected("quantity 1000000000000000000000 is too large")),
        Case("price × quantity overflows a decimal", Trade(("price", "\"1e19\""), ("quantity", "\"1e19\"")), Rejected("overflows")),
        Case("price with 19 decimal places", Trade(("price", "\"50000.0000000000000000001\"")), Rejected("more than 18 decimal places")),
        Case("quantity with 19 decimal places", Trade(("quantity", "0.1234567890123456789")), Rejected("more than 18 decimal places")),
        Case("price with 29 significant digits", Trade(("price", "\"50000.000000000000000000000001\"")),
            new DeadLettered(Error, "significant digits")),
        Case("price of the wrong type", Trade(("price", "true")), new DeadLettered(Error, "Expected a number or a string")),

        // Symbols. "Unknown" is either malformed (refused by the saga) or well-formed with no accounts (refused by the wallet).
        Case("symbol lower case", Trade(("symbol", "\"btc/usdt\"")), Rejected("symbol 'btc/usdt'")),
        Case("symbol without a slash", Trade(("symbol", "\"BTCUSDT\"")), Rejected("symbol 'BTCUSDT'")),
        Case("symbol with the same base and quote", Trade(("symbol", "\"$BASE/$BASE\"")), Rejected("is not BASE/QUOTE")),
        Case("symbol without a quote", Trade(("symbol", "\"BTC/\"")), Rejected("symbol 'BTC/'")),
        Case("symbol without a base", Trade(("symbol", "\"/USDT\"")), Rejected("symbol '/USDT'")),
        Case("symbol with three parts", Trade(("symbol", "\"BTC/USDT/ETH\"")), Rejected("symbol 'BTC/USDT/ETH'")),
        Case("symbol with a code of 17 characters", Trade(("symbol", "\"ABCDEFGHIJKLMNOPQ/USDT\"")), Rejected("ABCDEFGHIJKLMNOPQ")),
        Case("symbol with characters outside A-Z 0-9", Trade(("symbol", "\"BTC-X/US DT\"")), Rejected("symbol 'BTC-X/US DT'")),
        Case("symbol well-formed but unknown to the wallet", Trade(("symbol", "\"ZZNOPE/YYNOPE\"")),
            new Recorded("RolledBack", "BuyerDebit refused: UnknownAccount")),

        // Users.
        Case("buyer equal to seller", Trade(("sellerUserId", "\"$BUYER\"")), Rejected("buyer and seller are the same user")),
        Case("buyer the empty GUID", Trade(("buyerUserId", "\"00000000-0000-0000-0000-000000000000\"")), Rejected("BuyerUserId is empty")),
        Case("unknown buyer: an account never funded", Trade(("buyerUserId", "\"$UNKNOWN\"")),
            new Recorded("RolledBack", "BuyerDebit refused: UnknownAccount")),
        Case("unknown seller: an account never funded", Trade(("sellerUserId", "\"$UNKNOWN\"")),
            new Recorded("RolledBack", "SellerDebit refused: UnknownAccount")),
    ];

    /// <summary>A valid trade's JSON between the test's funded users, with <paramref name="changes"/> applied (null removes a field).</summary>
    public static string Trade(params (string Field, string? Json)[] changes)
    {
        List<(string Field, string? Json)> fields =
        [
            ("tradeId", "\"$TRADE\""), ("symbol", "\"$SYMBOL\""), ("buyerUserId", "\"$BUYER\""), ("sellerUserId", "\"$SELLER\""),
            ("price", "\"50000\""), ("quantity", "\"0.5\""), ("buyerFee", "\"12.5\""), ("sellerFee", "\"25\""),
            ("isBuyerMaker", "false"), ("executedAt", "\"2025-06-01T12:00:00+00:00\""),
        ];
        foreach (var (field, json) in changes)
            fields[fields.FindIndex(f => f.Field == field)] = (field, json);
        return "{" + string.Join(",", fields.Where(f => f.Json is not null).Select(f => $"\"{f.Field}\":{f.Json}")) + "}";
    }
}
