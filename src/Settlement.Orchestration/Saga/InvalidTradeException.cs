namespace Settlement.Orchestration.Saga;

/// <summary>A message that can never be settled; it is not retried and goes to the error queue with this reason.</summary>
public sealed class InvalidTradeException(string message) : Exception(message);
