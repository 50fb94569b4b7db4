using static Settlement.IntegrationTests.BadInput.BrokerCorpus;

namespace Settlement.IntegrationTests.BadInput;

/// <summary>
/// The bad requests of the corpus, sent to the admin API: each is answered with RFC 7807 problem details saying what is
/// wrong, and nothing is published or deposited. A trade the API cannot know is bad (an unknown user) is accepted, and
/// rolled back by settlement.
/// </summary>
static class HttpCorpus
{
    static CorpusCase Case(string name, string body, Rejection expected, string contentType = CorpusCase.Json, string path = "/api/trades") =>
        new(name, Channel.Http, body, expected, contentType, Envelope: false, Path: path);

    static Problem BadRequest(string detail) => new(400, detail);

    public static IReadOnlyList<CorpusCase> Cases { get; } =
    [
        // Malformed bodies.
        Case("not JSON at all", "settle this trade please", BadRequest("Malformed request body")),
        Case("truncated JSON", """{"tradeId":"$TRADE","symbol":"$SYM""", BadRequest("Malformed request body")),
        Case("wrong content type", Trade(), new Problem(415, "Content-Type: application/json"), "text/plain"),
        Case("JSON null", "null", BadRequest("The request body is null")),
        Case("JSON array instead of an object", $"[{Trade()},{Trade()}]", BadRequest("the body must be a JSON object")),
        Case("empty body", "", BadRequest("Malformed request body")),

        // A body of another message type: every field a trade needs is missing.
        Case("DepositFunds body posted as a trade", """{"operationId":"$MESSAGE","userId":"$BUYER","currency":"$QUOTE","amount":"1000"}""",
            BadRequest("Missing required fields: symbol, buyerUserId, sellerUserId, price, quantity, buyerFee, sellerFee.")),

        // Missing and malformed fields.
        Case("symbol missing", Trade(("symbol", null)), BadRequest("Missing required field: symbol.")),
        Case("buyerUserId missing", Trade(("buyerUserId", null)), BadRequest("Missing required field: buyerUserId.")),
        Case("sellerUserId missing", Trade(("sellerUserId", null)), BadRequest("Missing required field: sellerUserId.")),
        Case("price missing", Trade(("price", null)), BadRequest("Missing required field: price.")),
        Case("quantity missing", Trade(("quantity", null)), BadRequest("Missing required field: quantity.")),
        Case("buyerFee missing", Trade(("buyerFee", null)), BadRequest("Missing required field: buyerFee.")),
        Case("sellerFee missing", Trade(("sellerFee", null)), BadRequest("Missing required field: sellerFee.")),
        Case("tradeId the empty GUID", Trade(("tradeId", "\"00000000-0000-0000-0000-000000000000\"")), BadRequest("tradeId is the empty GUID")),
        Case("tradeId not a GUID", Trade(("tradeId", "\"trade-42\"")), BadRequest("Malformed request body at $.tradeId")),
        Case("price of the wrong type", Trade(("price", "true")), BadRequest("Malformed request body at $.price")),

        // Amounts.
        Case("zero price", Trade(("price", "0")), BadRequest("price 0 is not positive")),
        Case("negative quantity", Trade(("quantity", "\"-0.5\"")), BadRequest("quantity -0.5 is not positive")),
        Case("negative buyer fee", Trade(("buyerFee", "-1")), BadRequest("buyer fee -1 is negative")),
        Case("seller fee larger than the notional", Trade(("sellerFee", "25000.01")), BadRequest("exceeds price × quantity")),
        Case("price 1e30", Trade(("price", "1e30")), BadRequest("'1e30' is too large for an amount")),
        Case("quantity 1e21", Trade(("quantity", "1e21")), BadRequest("quantity 1000000000000000000000 is too large")),
        Case("price with 19 decimal places", Trade(("price", "\"50000.0000000000000000001\"")), BadRequest("more than 18 decimal places")),
        Case("price with 29 significant digits", Trade(("price", "50000.000000000000000000000001")), BadRequest("29 significant digits")),

        // Symbols and users.
        Case("symbol lower case", Trade(("symbol", "\"btc/usdt\"")), BadRequest("symbol 'btc/usdt' is not BASE/QUOTE")),
        Case("symbol without a slash", Trade(("symbol", "\"BTCUSDT\"")), BadRequest("symbol 'BTCUSDT'")),
        Case("symbol with the same base and quote", Trade(("symbol", "\"$BASE/$BASE\"")), BadRequest("is not BASE/QUOTE")),
        Case("symbol without a quote", Trade(("symbol", "\"BTC/\"")), BadRequest("symbol 'BTC/'")),
        Case("buyer equal to seller", Trade(("sellerUserId", "\"$BUYER\"")), BadRequest("buyer and seller are the same user")),
        Case("unknown buyer: an account never funded", Trade(("buyerUserId", "\"$UNKNOWN\"")),
            new Recorded("RolledBack", "BuyerDebit refused: UnknownAccount")),

        // Other routes that move or check money.
        Case("deposit of a negative amount", """{"currency":"$QUOTE","amount":"-5"}""", BadRequest("Amount -5 is not positive"),
            path: "/api/wallets/$BUYER/deposits"),
        Case("deposit in a lower-case currency", """{"currency":"usdt","amount":"5"}""", BadRequest("Currency 'usdt'"),
            path: "/api/wallets/$BUYER/deposits"),
        Case("deposit with 19 decimal places", """{"currency":"$QUOTE","amount":"0.0000000000000000001"}""",
            BadRequest("more than 18 decimal places"), path: "/api/wallets/$BUYER/deposits"),
        Case("deposit to a malformed user id", """{"currency":"$QUOTE","amount":"5"}""", BadRequest("userId 'not-a-user' is not a GUID"),
            path: "/api/wallets/not-a-user/deposits"),
        Case("order check with a malformed symbol", """{"userId":"$BUYER","side":"buy","symbol":"BTC/","price":"1","quantity":"1"}""",
            BadRequest("symbol 'BTC/'"), path: "/api/orders/check"),
    ];
}
