namespace Settlement.Wallet;

/// <summary>Where the wallet's commands go: the <c>wallet</c> receive endpoint.</summary>
public static class WalletEndpoint
{
    /// <summary>The queue name (kebab-case); failed commands land in <c>wallet_error</c>.</summary>
    public const string Name = "wallet";

    /// <summary>The address to send commands to, or to give a request client.</summary>
    public static readonly Uri Address = new($"queue:{Name}");
}
