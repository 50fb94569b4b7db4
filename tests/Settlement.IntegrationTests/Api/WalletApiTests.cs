using System.Net;
using System.Net.Http.Json;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Api;

public class WalletApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    readonly HttpClient _client = api.Client;
    readonly Guid _user = Guid.NewGuid();
    readonly string _currency = new Market().Quote;

    [Fact]
    public async Task A_deposit_is_201_with_the_balance_after_it_and_the_balances_list_the_account()
    {
        var first = await _client.PostJsonAsync($"/api/wallets/{_user}/deposits", $$"""{ "currency": "{{_currency}}", "amount": "100.5" }""");
        var second = await _client.PostJsonAsync($"/api/wallets/{_user}/deposits", $$"""{ "currency": "{{_currency}}", "amount": 0.25 }""");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/api/wallets/{_user}/balances", first.Headers.Location?.OriginalString);
        var deposited = await second.JsonAsync();
        Assert.Equal((_user, _currency), (deposited.GetProperty("userId").GetGuid(), deposited.GetProperty("currency").GetString()));
        Assert.Equal((0.25m, 100.75m), (deposited.Money("amount"), deposited.Money("balanceAfter")));

        var balances = await (await _client.GetAsync($"/api/wallets/{_user}/balances")).JsonAsync();
        Assert.Equal(_user, balances.GetProperty("userId").GetGuid());
        var account = Assert.Single(balances.GetProperty("balances").EnumerateArray());
        Assert.Equal(_currency, account.GetProperty("currency").GetString());
        Assert.Equal(100.75m, account.Money("available"));
    }

    [Fact]
    public async Task The_same_operation_id_twice_gets_the_same_answer_and_moves_money_once()
    {
        var deposit = new { currency = _currency, amount = 40m, operationId = Guid.NewGuid() };

        var first = await _client.PostAsJsonAsync($"/api/wallets/{_user}/deposits", deposit);
        var again = await _client.PostAsJsonAsync($"/api/wallets/{_user}/deposits", deposit);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, again.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(40m, (await again.JsonAsync()).Money("balanceAfter"));
        Assert.Equal(40m, await _client.BalanceAsync(_user, _currency));
    }

    [Fact]
    public async Task An_operation_id_reused_for_another_deposit_is_409_and_changes_nothing()
    {
        var operationId = Guid.NewGuid();
        await _client.PostAsJsonAsync($"/api/wallets/{_user}/deposits", new { currency = _currency, amount = 40m, operationId });

        var reused = await _client.PostAsJsonAsync($"/api/wallets/{_user}/deposits", new { currency = _currency, amount = 41m, operationId });

        var problem = await reused.AssertProblemAsync(HttpStatusCode.Conflict, operationId.ToString());
        Assert.Equal("OperationIdConflict", problem.GetProperty("code").GetString());
        Assert.Equal(40m, await _client.BalanceAsync(_user, _currency));
    }

    [Theory]
    [InlineData("\"0\"", "InvalidAmount", "Amount 0 is not positive")]
    [InlineData("-5", "InvalidAmount", "Amount -5 is not positive")]
    [InlineData("0.0000000000000000001", "InvalidAmount", "more than 18 decimal places")]
    [InlineData("100000000000000000000", "InvalidAmount", "too large")]
    public async Task A_deposit_the_wallet_refuses_is_400_with_its_code_and_changes_no_balance(string amount, string code, string mention)
    {
        await _client.DepositAsync(_user, _currency, 10m);

        var response = await _client.PostJsonAsync($"/api/wallets/{_user}/deposits", $$"""{ "currency": "{{_currency}}", "amount": {{amount}} }""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, mention);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(10m, await _client.BalanceAsync(_user, _currency));
    }

    [Theory]
    [InlineData("usdt")]
    [InlineData("US-DT")]
    [InlineData("ABCDEFGHIJKLMNOPQ")]
    public async Task A_deposit_in_a_malformed_currency_is_400_InvalidCurrency_and_opens_no_account(string currency)
    {
        var response = await _client.PostAsJsonAsync($"/api/wallets/{_user}/deposits", new { currency, amount = 10m });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, $"Currency '{currency}'");
        Assert.Equal("InvalidCurrency", problem.GetProperty("code").GetString());
        Assert.Empty((await (await _client.GetAsync($"/api/wallets/{_user}/balances")).JsonAsync()).GetProperty("balances").EnumerateArray());
    }

    [Theory]
    [InlineData("{ \"amount\": 10 }", "Missing required field: currency")]
    [InlineData("{ \"currency\": \"USDT\" }", "Missing required field: amount")]
    [InlineData("{ \"currency\": \"USDT\", \"amount\": 1e30 }", "$.amount", "'1e30' is too large")]
    [InlineData("{ \"currency\": \"USDT\", \"amount\": \"ten\" }", "$.amount", "'ten' is not a number")]
    [InlineData("{ \"currency\": \"USDT\", \"amount\": [10] }", "$.amount", "Expected a number")]
    [InlineData("{ \"currency\": \"USDT\", \"amount\": 10, \"operationId\": \"x\" }", "$.operationId", "Guid")]
    [InlineData("{ \"currency\": \"USDT\", \"amount\": 10, \"operationId\": \"00000000-0000-0000-0000-000000000000\" }", "operationId is the empty GUID")]
    [InlineData("{ \"currency\": \"USDT\", \"amount\": 10", "Malformed request body")]
    [InlineData("currency=USDT&amount=10", "Malformed request body")]
    public async Task A_deposit_body_the_api_cannot_read_is_400_saying_what_is_wrong_and_changes_no_balance(string json, params string[] mentions)
    {
        await (await _client.PostJsonAsync($"/api/wallets/{_user}/deposits", json)).AssertProblemAsync(HttpStatusCode.BadRequest, mentions);
        Assert.Empty((await (await _client.GetAsync($"/api/wallets/{_user}/balances")).JsonAsync()).GetProperty("balances").EnumerateArray());
    }

    [Fact]
    public async Task A_malformed_user_id_is_400_on_both_wallet_routes()
    {
        await (await _client.GetAsync("/api/wallets/not-a-user/balances")).AssertProblemAsync(HttpStatusCode.BadRequest, "userId 'not-a-user' is not a GUID");
        await (await _client.PostAsJsonAsync("/api/wallets/not-a-user/deposits", new { currency = _currency, amount = 1m }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "userId 'not-a-user' is not a GUID");
    }

    [Fact]
    public async Task A_user_without_accounts_has_an_empty_list_of_balances()
    {
        var response = await _client.GetAsync($"/api/wallets/{Guid.NewGuid()}/balances");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.JsonAsync()).GetProperty("balances").EnumerateArray());
    }
}
