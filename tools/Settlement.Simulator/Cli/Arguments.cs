using System.Globalization;

namespace Settlement.Simulator.Cli;

/// <summary>The command line is wrong; the message says how.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// <c>&lt;command&gt; --name value ...</c>: the subcommand and its options. Every option takes a value; an option the
/// command does not know, a missing value or a value of the wrong type is a <see cref="UsageException"/>.
/// </summary>
public sealed class Arguments
{
    readonly Dictionary<string, string> _values;

    Arguments(string command, Dictionary<string, string> values)
    {
        Command = command;
        _values = values;
    }

    public string Command { get; }

    /// <param name="commands">The commands there are, for the message when none is given: "fund, publish or watch".</param>
    public static Arguments Parse(IReadOnlyList<string> args, string commands)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
            throw new UsageException($"a command is required: {commands}");

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i += 2)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
                throw new UsageException($"expected an option (--name value), got '{name}'");
            if (i + 1 >= args.Count)
                throw new UsageException($"{name} needs a value");
            if (!values.TryAdd(name[2..], args[i + 1]))
                throw new UsageException($"{name} is given twice");
        }

        return new Arguments(args[0], values);
    }

    /// <summary>Refuses options other than <paramref name="known"/>.</summary>
    public void AllowOnly(params string[] known)
    {
        var unknown = _values.Keys.Where(name => !known.Contains(name)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
            throw new UsageException($"{Command} does not take --{string.Join(", --", unknown)}");
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new UsageException($"--{name} is required");

    public string String(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) => Parse(name, fallback, v => int.Parse(v, CultureInfo.InvariantCulture));

    public int? OptionalInt(string name) => _values.ContainsKey(name) ? Int(name, 0) : null;

    public double Double(string name, double fallback) =>
        Parse(name, fallback, v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture));

    public Uri Uri(string name, string fallback) => Parse(name, new Uri(fallback), v => new Uri(v, UriKind.Absolute));

    T Parse<T>(string name, T fallback, Func<string, T> parse)
    {
        if (!_values.TryGetValue(name, out var text))
            return fallback;
        try
        {
            return parse(text);
        }
        catch (Exception exception) when (exception is FormatException or OverflowException or UriFormatException)
        {
            throw new UsageException($"--{name} '{text}' is not a valid {typeof(T).Name.ToLowerInvariant()}");
        }
    }
}
