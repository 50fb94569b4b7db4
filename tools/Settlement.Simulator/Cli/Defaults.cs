namespace Settlement.Simulator.Cli;

/// <summary>Option defaults shared by the commands.</summary>
public static class Defaults
{
    public const string Rabbit = "amqp://guest:guest@127.0.0.1:5672/";
    public const string WalletQueue = "wallet";
    public const int InFlight = 100;
}
