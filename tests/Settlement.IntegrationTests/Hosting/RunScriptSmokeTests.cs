using System.Diagnostics;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Hosting;

public class RunScriptSmokeTests
{
    const string ApiKey = "run-script-smoke-key-0123456789";

    [Fact]
    public async Task The_first_run_command_settles_a_trade_through_the_API_and_stops_cleanly_with_its_servers()
    {
        var home = Path.Combine(Path.GetTempPath(), $"settlement-run-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["SETTLEMENT_HOME"] = home,
                ["POSTGRES_PORT"] = HostProcess.FreePort().ToString(),
                ["RABBITMQ_PORT"] = HostProcess.FreePort().ToString(),
                ["RABBITMQ_MGMT_PORT"] = HostProcess.FreePort().ToString(),
                ["RABBITMQ_DIST_PORT"] = HostProcess.FreePort().ToString(),
                ["Api__Key"] = ApiKey,
            };
            await using var run = await HostProcess.StartRunScriptAsync(environment, HostProcess.FreePort());
            using var api = new HttpClient { BaseAddress = run.BaseAddress };
            api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

            var market = new Market();
            var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
            await api.DepositAsync(buyer, market.Quote, 30_000m);
            await api.DepositAsync(seller, market.Base, 1m);
            var trade = market.Trade(buyer, seller);
            await api.PostTradeAsync(trade);
            var settlement = await api.WaitForSettlementAsync(trade.TradeId, "Settled");

            Assert.Equal("SETTLED", settlement.GetProperty("status").GetString());
            Assert.Equal(4_987.5m, await api.BalanceAsync(buyer, market.Quote));
            Assert.Equal(24_975m, await api.BalanceAsync(seller, market.Quote));
            Assert.Contains("RabbitMQ UI", run.Output);

            Assert.Equal(0, await run.StopAsync(TimeSpan.FromMinutes(2)));
            Assert.Contains("stopping PostgreSQL and RabbitMQ", run.Output);
            Assert.Empty(ProcessesUsing(home));
        }
        finally
        {
            foreach (var pid in ProcessesUsing(home))
                Process.GetProcessById(pid).Kill(entireProcessTree: true);
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>Processes whose command line names <paramref name="folder"/>: the servers and the host that run.sh started.</summary>
    static List<int> ProcessesUsing(string folder) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(int.Parse!)
            .Where(pid =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(folder);
                }
                catch (IOException)
                {
                    return false;
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            })
            .ToList();
}
