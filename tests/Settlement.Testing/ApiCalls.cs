using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Settlement.Contracts;
using Xunit;

namespace Settlement.Testing;

/// <summary>The API calls and answers the tests repeat: raw JSON posts, deposits, balances, waiting for a settlement, problems.</summary>
public static class ApiCalls
{
    /// <summary>Posts <paramref name="json"/> as it is, malformed or not, with <c>Content-Type: application/json</c>.</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>A money field of the API: a string holding an exact decimal.</summary>
    public static decimal Money(this JsonElement element, string property)
    {
        var value = element.GetProperty(property);
        Assert.Equal(JsonValueKind.String, value.ValueKind);
        return decimal.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static async Task<JsonElement> DepositAsync(this HttpClient client, Guid userId, string currency, decimal amount)
    {
        var response = await client.PostAsJsonAsync($"/api/wallets/{userId}/deposits", new { currency, amount });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>Posts the trade to <c>POST /api/trades</c> and asserts it was accepted for settlement.</summary>
    public static async Task PostTradeAsync(this HttpClient client, TradeExecuted trade) =>
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/trades", trade)).StatusCode);

    /// <summary>The user's available balance in <paramref name="currency"/> as the API reports it; 0 without an account.</summary>
    public static async Task<decimal> BalanceAsync(this HttpClient client, Guid userId, string currency)
    {
        var response = await client.GetAsync($"/api/wallets/{userId}/balances");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var account = (await response.JsonAsync()).GetProperty("balances").EnumerateArray()
            .Where(b => b.GetProperty("currency").GetString() == currency).ToList();
        return account.Count == 0 ? 0m : account.Single().Money("available");
    }

    /// <summary>Polls <c>GET /api/settlements/{tradeId}</c> until the record is in one of <paramref name="states"/> (30 s at most).</summary>
    public static Task<JsonElement> WaitForSettlementAsync(this HttpClient client, Guid tradeId, params string[] states) =>
        client.WaitForSettlementAsync(tradeId, TimeSpan.FromSeconds(30), states);

    /// <summary>Polls <c>GET /api/settlements/{tradeId}</c> until the record is in one of <paramref name="states"/>.</summary>
    public static async Task<JsonElement> WaitForSettlementAsync(this HttpClient client, Guid tradeId, TimeSpan timeout, params string[] states)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.GetAsync($"/api/settlements/{tradeId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var settlement = await response.JsonAsync();
                last = settlement.GetProperty("state").GetString();
                if (states.Contains(last))
                    return settlement;
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Trade {tradeId} did not reach {string.Join(" or ", states)}; it is {last ?? "not recorded"}.");
    }

    /// <summary>
    /// Asserts an RFC 7807 answer: the status, <c>application/problem+json</c>, and a detail that mentions each of
    /// <paramref name="mentions"/>. Returns the problem for further checks.
    /// </summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, params string[] mentions)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString()!;
        foreach (var mention in mentions)
            Assert.Contains(mention, detail);
        return problem;
    }
}
