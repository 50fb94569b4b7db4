using System.Diagnostics;
using Settlement.Testing;

namespace Settlement.UnitTests.Observability;

/// <summary>
/// deploy/prometheus/alerts.yml through promtool (Debian package <c>prometheus</c>): the rules are valid, and
/// alerts.test.yml shows each alert firing on matching series and staying silent otherwise.
/// </summary>
public class AlertRulesTests
{
    const string Install = "apt-get install prometheus";
    const string Unattended = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus";

    [Fact]
    public async Task The_alert_rules_are_valid_Prometheus_rules() =>
        await PromtoolAsync("check", "rules", "alerts.yml");

    [Fact]
    public async Task Each_alert_fires_on_matching_series_and_not_otherwise() =>
        await PromtoolAsync("test", "rules", "alerts.test.yml");

    static async Task PromtoolAsync(params string[] arguments)
    {
        var promtool = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, "promtool"))
            .FirstOrDefault(File.Exists);
        Assert.True(promtool is not null,
            $"promtool is not installed, so the alert rules cannot be checked. Install it as root with `{Install}` "
            + $"(unattended, as CI does: `{Unattended}`): the Debian package prometheus ships promtool.");

        var start = new ProcessStartInfo(promtool!, arguments)
        {
            WorkingDirectory = Path.Combine(ServersScript.RepositoryRoot(), "deploy", "prometheus"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0,
            $"promtool {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }
}
