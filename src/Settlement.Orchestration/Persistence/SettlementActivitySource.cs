using System.Diagnostics;

namespace Settlement.Orchestration.Persistence;

/// <summary>
/// The saga repository's own spans (a step's transaction and its commit), beside MassTransit's and Npgsql's. Nothing is
/// recorded unless a listener asks for <see cref="Name"/> (the host's tracing does).
/// </summary>
public static class SettlementActivitySource
{
    public const string Name = "Settlement.Saga";

    internal static readonly ActivitySource Source = new(Name);
}
