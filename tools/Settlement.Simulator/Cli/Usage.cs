namespace Settlement.Simulator.Cli;

/// <summary>The help text printed after a usage error. tools/Settlement.Simulator/README.md says more.</summary>
public static class Usage
{
    public const string Text = """
        usage:
          fund    --run NAME --users N [--rabbit amqp://guest:guest@127.0.0.1:5672/] [--wallet-queue wallet]
          publish --run NAME --trades N [--rate PER_SECOND (0 = as fast as possible)] [--fail-share 0.02] [--users 200]
                  [--hot-share 0.2] [--hot-trade-share 0.8] [--seed S] [--rabbit URI] [--manifest PATH] [--in-flight 100]
          watch   --run NAME --connection "NPGSQL CONNECTION STRING" [--timeout 600] [--manifest PATH] [--settle-timeout SECONDS]
          timeline --spans TRACE_FILE [--run NAME] [--manifest PATH]
        """;
}
