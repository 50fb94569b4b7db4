using System.Text.Json;
using Settlement.Baselines;

// Usage:
//   Settlement.Baselines broker --rabbit amqp://guest:guest@127.0.0.1:5672/ [--messages 50000] [--concurrency 32]
//   Settlement.Baselines sql --connection "Host=…" [--trades 20000] [--users 1000] [--concurrency 16]
// Each prints one JSON line on stdout; progress and errors go to stderr.
try
{
    var options = Options.Parse(args.Skip(1));
    object result = args.FirstOrDefault() switch
    {
        "broker" => await BrokerCeiling.RunAsync(
            new Uri(options.Get("rabbit", "amqp://guest:guest@127.0.0.1:5672/")),
            options.GetInt("messages", 50_000), options.GetInt("concurrency", 32)),
        "sql" => await DirectSqlBaseline.RunAsync(
            options.Require("connection"), options.GetInt("trades", 20_000), options.GetInt("users", 1_000),
            options.GetInt("concurrency", 16)),
        _ => throw new ArgumentException("The first argument must be 'broker' or 'sql'."),
    };
    Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    }));
    return 0;
}
catch (ArgumentException problem)
{
    Console.Error.WriteLine(problem.Message);
    return 2;
}
