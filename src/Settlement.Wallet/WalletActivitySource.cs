using System.Diagnostics;

namespace Settlement.Wallet;

/// <summary>
/// The wallet's own spans (a batch's transaction and its commit), beside MassTransit's and Npgsql's. Nothing is recorded
/// unless a listener asks for <see cref="Name"/> (the host's tracing does).
/// </summary>
public static class WalletActivitySource
{
    public const string Name = "Settlement.Wallet";

    internal static readonly ActivitySource Source = new(Name);
}
