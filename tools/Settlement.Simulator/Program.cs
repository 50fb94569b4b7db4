using Serilog;
using Settlement.Simulator.Cli;
using Settlement.Simulator.Timeline;
using Settlement.Simulator.Watching;

// The matching-engine simulator: fund, publish, watch; and timeline, which reads the host's trace file. Results go to stdout as one JSON line; logs go to stderr.
Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Information()
    .MinimumLevel.Override("MassTransit", Serilog.Events.LogEventLevel.Warning)
    .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}",
        standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose)
    .CreateLogger();

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var arguments = Arguments.Parse(args, "fund, publish, watch or timeline");
    return arguments.Command switch
    {
        "fund" => await FundCommand.RunAsync(arguments, cancel.Token),
        "publish" => await PublishCommand.RunAsync(arguments, cancel.Token),
        "watch" => await WatchCommand.RunAsync(arguments, cancel.Token),
        "timeline" => await TimelineCommand.RunAsync(arguments, cancel.Token),
        _ => throw new UsageException($"unknown command '{arguments.Command}': fund, publish, watch or timeline"),
    };
}
catch (UsageException exception)
{
    Log.Error("{Problem}", exception.Message);
    await Console.Error.WriteLineAsync(Usage.Text);
    return 2;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Log.Warning("cancelled");
    return 130;
}
catch (Exception exception)
{
    Log.Fatal(exception, "failed");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
