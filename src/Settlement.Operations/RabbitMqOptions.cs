namespace Settlement.Operations;

/// <summary>The broker, bound from the configuration section <c>RabbitMq</c>.</summary>
public sealed class RabbitMqOptions
{
    public const string SectionName = "RabbitMq";

    /// <summary><c>amqp://user:password@host:port/vhost</c>.</summary>
    public Uri Uri { get; set; } = new("amqp://guest:guest@127.0.0.1:5672/");
}
