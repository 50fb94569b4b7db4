using System.Globalization;

namespace Settlement.UnitTests.Observability;

/// <summary>Reads sample lines of a Prometheus text exposition.</summary>
static class Samples
{
    /// <summary>The value of the sample whose name and labels are exactly <paramref name="series"/>, or null when absent.</summary>
    public static double? Value(string exposition, string series) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(line => (double?)double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture))
            .SingleOrDefault();
}
