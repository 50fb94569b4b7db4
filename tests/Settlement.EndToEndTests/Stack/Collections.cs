namespace Settlement.EndToEndTests.Stack;

/// <summary>The suite's test collections, one stack each. They run one after the other (<c>AssemblyInfo.cs</c>): a stack is four or five containers.</summary>
[CollectionDefinition(Name)]
public sealed class OneServiceCollection : ICollectionFixture<SettlementStack>
{
    public const string Name = "stack with one service container";
}

[CollectionDefinition(Name)]
public sealed class SplitRolesCollection : ICollectionFixture<SplitRolesStack>
{
    public const string Name = "stack with the saga and the wallet in containers of their own";
}
