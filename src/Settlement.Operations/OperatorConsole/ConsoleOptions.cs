namespace Settlement.Operations.OperatorConsole;

/// <summary>What the console's overview reads of the configuration section <c>Observability</c>.</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Observability";

    /// <summary>Dead letters in one queue above which the SettlementDeadLetters alert fires (<c>Observability:DeadLetterAlertThreshold</c>).</summary>
    public int DeadLetterAlertThreshold { get; set; } = 10;
}
