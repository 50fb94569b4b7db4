using System.Globalization;
using System.Numerics;

namespace Settlement.Reconciliation;

/// <summary>
/// An exact amount of money as the ledger holds it: an integer count of 10^-18 units. Sums over a whole table can have
/// more digits than a <see cref="decimal"/> holds exactly, so every amount the reconciliation adds or compares is one
/// of these, read from PostgreSQL as text. Written without trailing zeros, like the API's money strings.
/// </summary>
public readonly record struct Amount(BigInteger Units)
{
    public const int Scale = 18;
    static readonly BigInteger One = BigInteger.Pow(10, Scale);

    public static Amount Zero => default;

    public static Amount operator +(Amount a, Amount b) => new(a.Units + b.Units);
    public static Amount operator -(Amount a, Amount b) => new(a.Units - b.Units);
    public static Amount operator -(Amount a) => new(-a.Units);

    public bool IsZero => Units.IsZero;

    /// <summary>Parses <c>-123.450000000000000000</c>; more than 18 decimal places is a <see cref="FormatException"/>, never rounded.</summary>
    public static Amount Parse(string text)
    {
        var negative = text.StartsWith('-');
        var digits = negative || text.StartsWith('+') ? text[1..] : text;
        var point = digits.IndexOf('.');
        var integer = point < 0 ? digits : digits[..point];
        var fraction = point < 0 ? string.Empty : digits[(point + 1)..].TrimEnd('0');
        if (fraction.Length > Scale || integer.Length + fraction.Length == 0
            || !(integer + fraction).All(char.IsAsciiDigit))
            throw new FormatException($"'{text}' is not an amount of at most {Scale} decimal places.");

        var units = BigInteger.Parse((integer.Length == 0 ? "0" : integer) + fraction.PadRight(Scale, '0'), CultureInfo.InvariantCulture);
        return new Amount(negative ? -units : units);
    }

    /// <summary>The exact value of <paramref name="value"/> (a decimal prints every digit it holds).</summary>
    public static Amount From(decimal value) => Parse(value.ToString(CultureInfo.InvariantCulture));

    public override string ToString()
    {
        var magnitude = BigInteger.Abs(Units);
        var integer = BigInteger.DivRem(magnitude, One, out var remainder);
        var fraction = remainder.IsZero ? string.Empty : "." + remainder.ToString(CultureInfo.InvariantCulture).PadLeft(Scale, '0').TrimEnd('0');
        return (Units.Sign < 0 ? "-" : string.Empty) + integer.ToString(CultureInfo.InvariantCulture) + fraction;
    }
}
