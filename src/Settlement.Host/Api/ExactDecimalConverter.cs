using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Settlement.Orchestration;
using Settlement.Orchestration.Saga;

namespace Settlement.Host.Api;

/// <summary>
/// Money in the API's JSON. Reads a JSON number (<c>100.5</c>, <c>1e-8</c>) or a string holding one (<c>"100.5"</c>)
/// into a <see cref="decimal"/> exactly, or fails with a <see cref="JsonException"/> saying why: a value a decimal cannot
/// hold without rounding (<c>1e30</c>, 29 significant digits, 29 decimal places) is refused, never rounded. Whether the
/// amount is acceptable (positive, at most 18 decimal places…) is for the module's rules to say.
/// Writes a string without trailing zeros (<c>"25012.5"</c>), so clients whose numbers are doubles lose nothing.
/// </summary>
public sealed partial class ExactDecimalConverter : JsonConverter<decimal>
{
    /// <summary>Digits a decimal holds exactly whatever they are: its 96-bit integer exceeds 10^28.</summary>
    const int MaxDigits = 28;

    [GeneratedRegex(@"^[+-]?(?<integer>[0-9]*)(?:\.(?<fraction>[0-9]*))?(?:[eE](?<exponent>[+-]?[0-9]{1,9}))?$")]
    private static partial Regex NumberPattern();

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
            JsonTokenType.String => reader.GetString()!,
            _ => throw new JsonException($"Expected a number or a string holding one, not {reader.TokenType}."),
        };
        return Parse(text);
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteStringValue(TradeValidation.Normalize(value).ToString(CultureInfo.InvariantCulture));

    /// <summary>The exact value of <paramref name="text"/>, or a <see cref="JsonException"/> saying why there is none.</summary>
    public static decimal Parse(string text)
    {
        var match = NumberPattern().Match(text);
        var digits = match.Groups["integer"].Value + match.Groups["fraction"].Value;
        if (!match.Success || digits.Length == 0)
            throw new JsonException($"'{EchoedText.Of(text)}' is not a number.");

        // Where the decimal point falls in the digits once the exponent is applied, and what is left of them without
        // the zeros that change nothing.
        var exponent = match.Groups["exponent"].Success ? int.Parse(match.Groups["exponent"].Value, CultureInfo.InvariantCulture) : 0;
        var point = (long)match.Groups["integer"].Length + exponent;
        var withoutTrailingZeros = digits.TrimEnd('0');
        var significant = withoutTrailingZeros.TrimStart('0').Length;
        var decimalPlaces = Math.Max(0, withoutTrailingZeros.Length - point);

        if (significant == 0)
            return 0m;
        if (decimalPlaces > MaxDigits)
            throw new JsonException($"'{EchoedText.Of(text)}' has {decimalPlaces} decimal places: more than an exact amount can have.");
        if (significant > MaxDigits)
            throw new JsonException($"'{EchoedText.Of(text)}' has {significant} significant digits: more than an exact amount can have ({MaxDigits}).");
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new JsonException($"'{EchoedText.Of(text)}' is too large for an amount.");
        return value;
    }
}
