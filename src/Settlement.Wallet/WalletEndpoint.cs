namespace Settlement.Wallet;

/// <summary>Where the wallet's commands go: the <c>wallet</c> receive endpoint.</summary>
public static class WalletEndpoint
{
    /// <summary>The queue name (kebab-case); failed commands land in <c>wallet_error</c>.</summary>
    public const string Name = "wallet";

    /// <summary>
    /// The address to send commands to, or to give a request client: the exchange the endpoint binds its queue to. Not
    /// <c>queue:wallet</c>: MassTransit would declare that queue as a classic queue on every send, which RabbitMQ refuses
    /// when the queue is a quorum queue (<c>RabbitMq:QueueType</c>).
    /// </summary>
    public static readonly Uri Address = new($"exchange:{Name}");
}
