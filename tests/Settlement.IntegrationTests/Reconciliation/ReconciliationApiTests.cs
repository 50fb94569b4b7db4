using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Settlement.IntegrationTests.Api;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Reconciliation;

public class ReconciliationApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_route_needs_the_key_and_answers_the_report_with_ok_false_when_the_books_break()
    {
        using var anonymous = api.CreateClient(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/reconciliation")).StatusCode);

        var user = Guid.NewGuid();
        var deposit = await api.Client.PostAsJsonAsync($"/api/wallets/{user}/deposits", new { currency = "RECON", amount = "12.5" });
        Assert.True(deposit.IsSuccessStatusCode);
        var clean = await GetReportAsync("/api/reconciliation");
        Assert.True(clean.GetProperty("ok").GetBoolean());
        var books = Assert.Single(clean.GetProperty("currencies").EnumerateArray(), c => c.GetProperty("currency").GetString() == "RECON");
        Assert.Equal(("12.5", "12.5", true), (books.GetProperty("deposits").GetString(), books.GetProperty("balances").GetString(),
            books.GetProperty("conserved").GetBoolean()));

        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = new NpgsqlCommand("UPDATE wallet.accounts SET available = 20 WHERE currency = 'RECON'", connection);
            await tamper.ExecuteNonQueryAsync();
        }

        var broken = await GetReportAsync("/api/reconciliation?max_breaks=1");
        Assert.False(broken.GetProperty("ok").GetBoolean());
        Assert.Equal(2, broken.GetProperty("breaks_total").GetInt32());
        var listed = Assert.Single(broken.GetProperty("breaks").EnumerateArray());
        Assert.Equal(("balance_not_replayed", user.ToString(), "12.5", "20"), (listed.GetProperty("kind").GetString(),
            listed.GetProperty("user_id").GetString(), listed.GetProperty("expected").GetString(), listed.GetProperty("actual").GetString()));
        Assert.Equal(1, broken.GetProperty("break_counts").GetProperty("currency_not_conserved").GetInt32());

        var badCap = await api.Client.GetAsync("/api/reconciliation?max_breaks=lots");
        await badCap.AssertProblemAsync(HttpStatusCode.BadRequest, "max_breaks");
    }

    async Task<JsonElement> GetReportAsync(string path)
    {
        var response = await api.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
