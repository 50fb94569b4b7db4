using System.Globalization;
using System.Numerics;

namespace Settlement.Wallet.Ledger;

/// <summary>
/// Exact arithmetic on amounts of at most 18 decimal places, what <c>numeric(38,18)</c> holds. Nothing here rounds:
/// a value that would need rounding, or that the column or <see cref="decimal"/> cannot hold exactly, is reported as such.
/// Values are counted in units of 10^-18 as <see cref="BigInteger"/>s, which neither overflow nor round.
/// </summary>
static class Money
{
    public const int Scale = 18;

    // numeric(38,18) holds values below 10^20 in magnitude, that is fewer than 10^38 units.
    static readonly BigInteger ColumnLimit = BigInteger.Pow(10, 38);

    // A decimal is a 96-bit integer divided by a power of ten.
    static readonly BigInteger DecimalMantissaLimit = BigInteger.One << 96;

    /// <summary>The value without trailing zeros, for messages: <c>80000000000</c>, not <c>80000000000.000000000000000000</c>.</summary>
    public static string Format(decimal value) => value.ToString("0.##################", CultureInfo.InvariantCulture);

    /// <summary>Why <paramref name="amount"/> is not a valid operation amount, or null when it is.</summary>
    public static string? AmountProblem(decimal amount)
    {
        if (amount <= 0m)
            return $"Amount {Format(amount)} is not positive.";
        if (ToUnits(amount) is not { } units)
            return $"Amount {amount} has more than {Scale} decimal places.";
        return units >= ColumnLimit ? $"Amount {Format(amount)} is too large for numeric(38,18)." : null;
    }

    /// <summary>
    /// <paramref name="balance"/> + <paramref name="change"/>, exactly, or null when the result cannot be stored and read
    /// back without rounding.
    /// </summary>
    public static decimal? Add(decimal balance, decimal change) =>
        ToUnits(balance) is { } a && ToUnits(change) is { } b ? FromUnits(a + b) : null;

    /// <summary>The value in units of 10^-18, or null when it has more than 18 decimal places.</summary>
    static BigInteger? ToUnits(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = new BigInteger((uint)bits[0]) | new BigInteger((uint)bits[1]) << 32 | new BigInteger((uint)bits[2]) << 64;
        if (bits[3] < 0)
            mantissa = -mantissa;

        var scale = value.Scale;
        if (scale <= Scale)
            return mantissa * BigInteger.Pow(10, Scale - scale);

        var units = BigInteger.DivRem(mantissa, BigInteger.Pow(10, scale - Scale), out var remainder);
        return remainder.IsZero ? units : null;
    }

    /// <summary>The decimal that is exactly <paramref name="units"/> × 10^-18, or null when the column or decimal cannot hold it.</summary>
    static decimal? FromUnits(BigInteger units)
    {
        if (BigInteger.Abs(units) >= ColumnLimit)
            return null;

        var scale = Scale;
        while (scale > 0 && !units.IsZero && (units % 10).IsZero)
        {
            units /= 10;
            scale--;
        }

        var magnitude = BigInteger.Abs(units);
        if (magnitude >= DecimalMantissaLimit)
            return null;

        var low = (int)(uint)(magnitude & uint.MaxValue);
        var middle = (int)(uint)(magnitude >> 32 & uint.MaxValue);
        var high = (int)(uint)(magnitude >> 64);
        return new decimal(low, middle, high, units.Sign < 0, (byte)(units.IsZero ? 0 : scale));
    }
}
