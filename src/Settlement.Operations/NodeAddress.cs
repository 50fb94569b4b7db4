using System.Globalization;

namespace Settlement.Operations;

/// <summary>
/// A broker node as <c>RabbitMq:ClusterNodes</c> and <c>RabbitMq:ManagementNodes</c> name it: <c>host</c> or
/// <c>host:port</c>. MassTransit splits a node address at ':', so there is no IPv6 literal; a node without a port takes the
/// port of the URI it goes with.
/// </summary>
public readonly record struct NodeAddress(string Host, int? Port)
{
    public static bool TryParse(string text, out NodeAddress address)
    {
        var parts = text.Split(':');
        var port = 0;
        var valid = parts.Length is 1 or 2
            && Uri.CheckHostName(parts[0]) is UriHostNameType.Dns or UriHostNameType.IPv4
            && (parts.Length == 1 || (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535));
        address = valid ? new NodeAddress(parts[0], parts.Length == 2 ? port : null) : default;
        return valid;
    }

    /// <summary>A node the settings' validation has accepted (<see cref="TryParse"/>).</summary>
    public static NodeAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not host or host:port (port 1-65535).");

    public static bool IsValid(string text) => TryParse(text, out _);
}
