namespace Settlement.Orchestration;

/// <summary>
/// Bounds a value a sender supplied before it is repeated in a rejection reason, a problem detail or a log line, so that a
/// 4 MB symbol is not stored, answered and logged in full. Valid values (symbols, currencies, amounts, ids) are far shorter
/// than <see cref="MaxLength"/> and pass unchanged.
/// </summary>
public static class EchoedText
{
    /// <summary>The most characters of a value that are repeated.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// <paramref name="value"/> itself when it has at most <see cref="MaxLength"/> characters; otherwise its first
    /// <see cref="MaxLength"/> characters, an ellipsis and its length: <c>AAAA…(4194304 characters)</c>.
    /// </summary>
    public static string Of(string? value)
    {
        if (value is null || value.Length <= MaxLength)
            return value ?? string.Empty;
        var cut = char.IsHighSurrogate(value[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return $"{value[..cut]}…({value.Length} characters)";
    }
}
