using Settlement.Baselines;
using Settlement.Simulator.Cli;

// Usage:
//   Settlement.Baselines broker --rabbit amqp://guest:guest@127.0.0.1:5672/ [--messages 50000] [--concurrency 32] [--queue-type classic|quorum]
//   Settlement.Baselines sql --connection "Host=…" [--trades 20000] [--users 1000] [--concurrency 16]
// Each prints one JSON line on stdout; progress and errors go to stderr.
try
{
    var arguments = Arguments.Parse(args, "broker or sql");
    object result = arguments.Command switch
    {
        "broker" => await BrokerCeiling.RunAsync(
            arguments.Uri("rabbit", "amqp://guest:guest@127.0.0.1:5672/"),
            Positive(arguments, "messages", 50_000), Positive(arguments, "concurrency", 32),
            arguments.String("queue-type", "classic") switch
            {
                "classic" => false,
                "quorum" => true,
                _ => throw new UsageException("--queue-type must be classic or quorum."),
            }),
        "sql" => await DirectSqlBaseline.RunAsync(
            arguments.Required("connection"), Positive(arguments, "trades", 20_000), Positive(arguments, "users", 1_000),
            Positive(arguments, "concurrency", 16)),
        _ => throw new UsageException("The first argument must be 'broker' or 'sql'."),
    };
    Output.Line(result);
    return 0;
}
catch (Exception problem) when (problem is UsageException or ArgumentException)
{
    Console.Error.WriteLine(problem.Message);
    return 2;
}

static int Positive(Arguments arguments, string name, int fallback) =>
    arguments.Int(name, fallback) is > 0 and var value
        ? value
        : throw new UsageException($"--{name} must be a positive whole number.");
