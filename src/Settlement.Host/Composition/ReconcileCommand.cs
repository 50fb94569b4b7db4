using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Settlement.Host.Observability;
using Settlement.Orchestration.Configuration;
using Settlement.Reconciliation;

namespace Settlement.Host.Composition;

/// <summary>
/// <c>Settlement.Host reconcile</c>: runs one reconciliation with the service's own configuration (appsettings.json,
/// environment, command line) and neither the bus nor the web server. Prints the report as JSON on stdout; logs go to
/// stderr. Exit code 0 when the books balance, 1 when there are breaks, 2 when it cannot run.
/// </summary>
public static class ReconcileCommand
{
    public const string Name = "reconcile";
    public const int Balanced = 0;
    public const int BreaksFound = 1;
    public const int CannotRun = 2;

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
        builder.Logging.AddSettlementSerilog(builder.Configuration, "Settlement.Host", toStandardError: true);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        ILogger? logger = null;
        try
        {
            builder.Services.AddSettlementOptions(builder.Configuration);
            builder.Services.AddReconciliation(SettlementServices.ConnectionString(builder.Configuration));
            using var host = builder.Build();
            logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReconcileCommand));
            var maxBreaks = builder.Configuration.GetValue("Reconciliation:MaxBreaks", Reconciler.DefaultMaxBreaks);

            var report = await host.Services.GetRequiredService<Reconciler>().RunAsync(maxBreaks, cancel.Token);
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, Json));
            if (!report.Ok)
                logger.LogError("Reconciliation found {Breaks} breaks {BreakCounts}: see the report for the ids", report.BreaksTotal, report.BreakCounts);
            return report.Ok ? Balanced : BreaksFound;
        }
        catch (Exception exception) when (exception is NpgsqlException or OptionsValidationException or TimeoutException or InvalidOperationException)
        {
            var problem = exception is NpgsqlException or TimeoutException
                ? $"the database is unreachable or failed: {exception.Message}"
                : exception.Message;
            if (logger is not null)
                logger.LogError(exception, "Reconciliation could not run: {Problem}", problem);
            await Console.Error.WriteLineAsync($"reconcile: cannot run: {problem}");
            return CannotRun;
        }
    }
}
