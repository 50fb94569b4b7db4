using System.Net;
using System.Text;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Api;

public class ApiKeyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    const string SomeId = "6c1f3b0e-6f53-4d4c-9a57-0c6f8f0f4e21";

    public static TheoryData<string, string, string?> RoutesAndKeys()
    {
        string[][] routes =
        [
            ["GET", $"/api/settlements/{SomeId}"],
            ["GET", "/api/settlements?status=FAILED"],
            ["POST", $"/api/settlements/{SomeId}/abort"],
            ["GET", $"/api/wallets/{SomeId}/balances"],
            ["POST", $"/api/wallets/{SomeId}/deposits"],
            ["POST", "/api/trades"],
            ["POST", "/api/orders/check"],
            ["GET", "/api/reconciliation"],
        ];
        var data = new TheoryData<string, string, string?>();
        foreach (var route in routes)
        {
            data.Add(route[0], route[1], null);
            data.Add(route[0], route[1], "wrong-key-of-the-right-length");
            data.Add(route[0], route[1], ApiFixture.ApiKey[..^1]);
        }

        return data;
    }

    /// <summary>The body and query are malformed on purpose: the key is checked before anything of the request is read.</summary>
    [Theory]
    [MemberData(nameof(RoutesAndKeys))]
    public async Task Every_route_refuses_a_request_without_the_right_key_with_401_before_reading_it(string method, string path, string? key)
    {
        using var client = api.CreateClient(key);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = new StringContent("{ \"amount\": ", Encoding.UTF8, "application/json");

        await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Unauthorized, "X-Api-Key");
    }

    [Fact]
    public async Task A_deposit_without_the_key_changes_no_balance()
    {
        var user = Guid.NewGuid();
        using var client = api.CreateClient(apiKey: null);

        var response = await client.PostAsync($"/api/wallets/{user}/deposits",
            new StringContent("{ \"currency\": \"USDT\", \"amount\": 100 }", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0m, await api.Client.BalanceAsync(user, "USDT"));
    }
}
