using System.Globalization;
using Settlement.Orchestration.Saga;

namespace Settlement.Operations.OperatorConsole;

/// <summary>
/// How the console writes values: amounts exactly, as the API does (no trailing zeros, no exponent, no grouping, no
/// rounding), times in UTC.
/// </summary>
public static class Show
{
    public static string Amount(decimal value) => TradeValidation.Normalize(value).ToString(CultureInfo.InvariantCulture);

    public static string Amount(decimal? value) => value is { } amount ? Amount(amount) : "—";

    /// <summary>A balance change with its sign always written: "+0.5", "−25012.5" (a minus sign, not a hyphen), "0".</summary>
    public static string Change(decimal value) => value switch
    {
        > 0 => "+" + Amount(value),
        < 0 => "−" + Amount(-value),
        _ => Amount(value),
    };

    public static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? value) => value is { } time ? Time(time) : "—";

    /// <summary>"42 s", "5 min", "3 h", "2 d": how long ago, roughly.</summary>
    public static string Age(DateTimeOffset since, DateTimeOffset now)
    {
        var age = now - since;
        return age.TotalSeconds < 90 ? $"{Math.Max(0, (int)age.TotalSeconds)} s"
            : age.TotalMinutes < 90 ? $"{(int)age.TotalMinutes} min"
            : age.TotalHours < 36 ? $"{(int)age.TotalHours} h"
            : $"{(int)age.TotalDays} d";
    }

    public static string Percent(decimal share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Seconds(double? seconds) => seconds is { } value
        ? value < 1 ? $"{(value * 1000).ToString("0", CultureInfo.InvariantCulture)} ms" : $"{value.ToString("0.00", CultureInfo.InvariantCulture)} s"
        : "—";
}
