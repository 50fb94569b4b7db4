using System.Text.Json;
using System.Text.Json.Serialization;

namespace Settlement.Simulator.Publishing;

/// <summary>
/// What <c>publish</c> did, for <c>watch</c> and for people: the run's options (from which every trade id can be
/// recomputed), the trades that must fail and why, the publishing window and rate, and what <c>fund</c> deposited.
/// Written once before the first publish (without the end) and again at the end.
/// </summary>
public sealed record Manifest
{
    public required string Run { get; init; }
    public required int Trades { get; init; }
    public required int ValidTrades { get; init; }
    public required int Users { get; init; }
    public required int Seed { get; init; }
    public required double FailShare { get; init; }
    public required double HotShare { get; init; }
    public required double HotTradeShare { get; init; }
    public required double TargetRate { get; init; }
    public required IReadOnlyList<MustFailTrade> MustFail { get; init; }
    public DateTimeOffset? PublishStartedAt { get; init; }
    public DateTimeOffset? PublishEndedAt { get; init; }
    public int Published { get; init; }
    public double? AchievedRate { get; init; }
    public required IReadOnlyDictionary<string, decimal> FundedPerTrader { get; init; }
    public required IReadOnlyDictionary<string, decimal> FundedTotals { get; init; }

    public sealed record MustFailTrade(Guid TradeId, int Index, string Symbol, string FailsAt, string Reason);

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string DefaultPath(string run) => Path.Combine(".local", "sim", run + ".json");

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
            await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken);
        File.Move(temporary, path, overwrite: true); // readers never see half a file
    }

    public static async Task<Manifest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<Manifest>(stream, Json, cancellationToken)
               ?? throw new InvalidDataException($"{path} is not a manifest");
    }
}
