using System.Globalization;

namespace Settlement.Baselines;

/// <summary><c>--name value</c> pairs from the command line.</summary>
sealed class Options
{
    readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> arguments)
    {
        var options = new Options();
        using var next = arguments.GetEnumerator();
        while (next.MoveNext())
        {
            var name = next.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || !next.MoveNext())
                throw new ArgumentException($"Expected '--name value', got '{name}'.");
            options._values[name[2..]] = next.Current;
        }

        return options;
    }

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public string Require(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public int GetInt(string name, int fallback) =>
        !_values.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
        : throw new ArgumentException($"--{name} must be a positive whole number, not '{text}'.");
}
