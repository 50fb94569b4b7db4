using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Settlement.Host.Composition;

namespace Settlement.Host.Observability;

/// <summary>
/// Where RabbitMQ's management HTTP API is, bound from the configuration section <c>RabbitMq</c> next to <c>RabbitMq:Uri</c>.
/// Left out, each setting is derived from <c>RabbitMq:Uri</c>: <c>http://</c> its host <c>:15672/</c>, its user and password.
/// </summary>
public sealed class RabbitMqManagementOptions
{
    /// <summary><c>http://[user:password@]host:15672/</c>.</summary>
    public Uri? ManagementUri { get; set; }

    /// <summary>Overrides the user of <see cref="ManagementUri"/> (or of <c>RabbitMq:Uri</c>).</summary>
    public string? ManagementUser { get; set; }

    /// <summary>Overrides the password of <see cref="ManagementUri"/> (or of <c>RabbitMq:Uri</c>).</summary>
    public string? ManagementPassword { get; set; }
}

/// <summary>The one call of RabbitMQ's management HTTP API that the queue gauges need, on the service's virtual host.</summary>
public sealed class RabbitMqManagementClient(IHttpClientFactory httpClients, IOptions<RabbitMqManagementOptions> options, IOptions<RabbitMqOptions> broker)
{
    public const string HttpClientName = "rabbitmq-management";

    readonly Uri _baseAddress = BaseAddressOf(options.Value.ManagementUri ?? new UriBuilder("http", broker.Value.Uri.Host, 15672).Uri);
    readonly AuthenticationHeaderValue _authorization = Authorization(options.Value, broker.Value.Uri);

    /// <summary>The virtual host of <c>RabbitMq:Uri</c>: its path, or <c>/</c>.</summary>
    public string VirtualHost { get; } = broker.Value.Uri.AbsolutePath is "" or "/" ? "/" : Uri.UnescapeDataString(broker.Value.Uri.AbsolutePath[1..]);

    /// <summary>The number of ready and unacknowledged messages of each queue of the virtual host whose count is known yet.</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync(CancellationToken cancellationToken)
    {
        using var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseAddress, $"api/queues/{Uri.EscapeDataString(VirtualHost)}?columns=name,messages"));
        request.Headers.Authorization = _authorization;
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();

        var queues = await response.Content.ReadFromJsonAsync<QueueRow[]>(cancellationToken) ?? [];
        // A queue's message count appears with the broker's first statistics about it, a few seconds after it is declared.
        return queues.Where(q => q.Messages is not null).ToDictionary(q => q.Name, q => q.Messages!.Value, StringComparer.Ordinal);
    }

    static Uri BaseAddressOf(Uri managementUri)
    {
        var address = new UriBuilder(managementUri) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty };
        if (!address.Path.EndsWith('/'))
            address.Path += "/";
        return address.Uri;
    }

    static AuthenticationHeaderValue Authorization(RabbitMqManagementOptions options, Uri brokerUri)
    {
        var userInfo = options.ManagementUri is { UserInfo.Length: > 0 } management ? management.UserInfo : brokerUri.UserInfo;
        var parts = userInfo.Split(':', 2);
        var user = options.ManagementUser ?? (parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : "guest");
        var password = options.ManagementPassword ?? (parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "guest");
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    sealed record QueueRow([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("messages")] long? Messages);
}
