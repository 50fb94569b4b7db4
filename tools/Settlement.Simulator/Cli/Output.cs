using System.Text.Json;

namespace Settlement.Simulator.Cli;

/// <summary>A command's result: one JSON line on stdout, snake_case, for scripts. Everything else goes to stderr.</summary>
public static class Output
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    public static void Line<T>(T result) => Console.Out.WriteLine(JsonSerializer.Serialize(result, Json));
}
