namespace Settlement.EndToEndTests.Stack;

/// <summary>
/// The same stack with the saga (<see cref="SettlementStack.Service"/>, whose API the tests call) and the wallet in
/// containers of their own, as a deployment that scales them apart runs them, so a test can hold the wallet back while
/// the saga records trades. The step timeout is long, so the stuck-saga sweeper resends nothing while a test waits.
/// </summary>
public sealed class SplitRolesStack : SettlementStack
{
    protected override IReadOnlyList<string> Roles => ["saga", "wallet"];

    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["Settlement__StepTimeout"] = "00:10:00",
    };

    public DotNet.Testcontainers.Containers.IContainer Wallet => Services[1];
}
