using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;
using Settlement.Orchestration.Persistence;

namespace Settlement.Operations.OperatorConsole;

/// <summary>
/// Settled and failed trades per minute over the last hour as an inline SVG bar chart, drawn by the service (no script,
/// nothing loaded from elsewhere): one slot per minute, settled bars up from the axis, failed bars stacked on them.
/// </summary>
public static class OutcomeChart
{
    const int Width = 720, Height = 200, Left = 48, Bottom = 24, Top = 10;

    public static IHtmlContent Render(IReadOnlyList<MinuteOutcomes> perMinute, DateTimeOffset now, TimeSpan window)
    {
        var minutes = (int)window.TotalMinutes;
        var first = Truncate(now) - TimeSpan.FromMinutes(minutes - 1);
        var byMinute = perMinute.ToDictionary(m => Truncate(m.Minute));
        var max = Math.Max(1, perMinute.Select(m => m.Settled + m.Failed).DefaultIfEmpty(0).Max());
        var slot = (double)(Width - Left) / minutes;
        var plot = Height - Bottom - Top;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"chart-title\" preserveAspectRatio=\"none\">");
        svg.Append(CultureInfo.InvariantCulture,
            $"<title id=\"chart-title\">Settled and failed trades per minute, {first:HH:mm} to {Truncate(now):HH:mm} UTC; highest minute {max}</title>");
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{Left}\" y1=\"{Top + plot}\" x2=\"{Width}\" y2=\"{Top + plot}\" class=\"axis\"/><line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plot}\" class=\"axis\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Top + 10}\" text-anchor=\"end\">{max}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Top + plot}\" text-anchor=\"end\">0</text>");
        for (var i = 0; i < minutes; i++)
        {
            var minute = first + TimeSpan.FromMinutes(i);
            if (!byMinute.TryGetValue(minute, out var outcomes))
                continue;
            var x = Left + (i * slot) + 1;
            var settledHeight = (double)outcomes.Settled / max * plot;
            var failedHeight = (double)outcomes.Failed / max * plot;
            var label = WebUtility.HtmlEncode($"{minute:HH:mm}: {outcomes.Settled} settled, {outcomes.Failed} failed");
            svg.Append(CultureInfo.InvariantCulture, $"<g><title>{label}</title>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"settled\" x=\"{x:0.##}\" y=\"{Top + plot - settledHeight:0.##}\" width=\"{slot - 2:0.##}\" height=\"{settledHeight:0.##}\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"failed\" x=\"{x:0.##}\" y=\"{Top + plot - settledHeight - failedHeight:0.##}\" width=\"{slot - 2:0.##}\" height=\"{failedHeight:0.##}\"/></g>");
        }

        for (var i = 0; i < minutes; i += 15)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{Left + (i * slot):0.##}\" y=\"{Height - 6}\">{first + TimeSpan.FromMinutes(i):HH:mm}</text>");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    static DateTimeOffset Truncate(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }
}
