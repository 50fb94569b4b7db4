using System.Diagnostics;
using System.Text.Json;
using Settlement.IntegrationTests.Hosting;
using Settlement.Orchestration.Saga;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Reconciliation;

/// <summary><c>dotnet Settlement.Host.dll reconcile</c> as an operator runs it: the report on stdout, the verdict in the exit code.</summary>
public class ReconcileCommandTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task The_command_exits_0_on_clean_books_and_1_once_a_leg_is_missing_printing_the_report()
    {
        var books = await SettledBooks.CreateAsync(fixture.Servers);

        var (clean, cleanReport, _) = await ReconcileAsync(books.ConnectionString);
        Assert.Equal(0, clean);
        Assert.True(cleanReport.GetProperty("ok").GetBoolean());
        Assert.Equal(3, cleanReport.GetProperty("trades").GetProperty("total").GetInt32());

        await books.RemoveEntryAsync(SettledBooks.Leg(books.FirstSettled, SettlementLeg.FeeCollection));
        var (broken, brokenReport, log) = await ReconcileAsync(books.ConnectionString);

        Assert.Equal(1, broken);
        Assert.False(brokenReport.GetProperty("ok").GetBoolean());
        var missing = Assert.Single(brokenReport.GetProperty("breaks").EnumerateArray(), b => b.GetProperty("kind").GetString() == "missing_leg");
        Assert.Equal(books.FirstSettled.ToString(), missing.GetProperty("trade_id").GetString());
        Assert.Contains("found breaks", log);
    }

    [Fact]
    public async Task The_command_exits_2_with_a_clear_message_when_the_database_is_unreachable()
    {
        var unreachable = $"Host=127.0.0.1;Port={HostProcess.FreePort()};Username=postgres;Database=settlement;Timeout=3";

        var (exitCode, _, log) = await ReconcileAsync(unreachable, parseReport: false);

        Assert.Equal(2, exitCode);
        Assert.Contains("reconcile: cannot run: the database is unreachable", log);
    }

    static async Task<(int ExitCode, JsonElement Report, string Log)> ReconcileAsync(string connectionString, bool parseReport = true)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Settlement.Host.dll"), "reconcile"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Settlement"] = connectionString;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var (output, log) = (await stdout, await stderr);

        var report = parseReport ? JsonDocument.Parse(output).RootElement.Clone() : default;
        return (process.ExitCode, report, log);
    }
}
