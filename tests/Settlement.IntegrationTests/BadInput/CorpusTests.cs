namespace Settlement.IntegrationTests.BadInput;

/// <summary>The broker half of the bad-input corpus (<see cref="BrokerCorpus"/>), one service for all of it.</summary>
public sealed class BrokerCorpusTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    public static TheoryData<string> Cases() => [.. BrokerCorpus.Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_TradeExecuted_is_rejected_visibly_and_logged_moves_nothing_and_valid_trades_keep_settling(string name) =>
        CorpusRunner.RunAsync(fixture, BrokerCorpus.Cases.Single(c => c.Name == name));
}

/// <summary>The HTTP half of the bad-input corpus (<see cref="HttpCorpus"/>), one service for all of it.</summary>
public sealed class HttpCorpusTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    public static TheoryData<string> Cases() => [.. HttpCorpus.Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public Task A_bad_request_is_answered_with_problem_details_and_logged_moves_nothing_and_valid_trades_keep_settling(string name) =>
        CorpusRunner.RunAsync(fixture, HttpCorpus.Cases.Single(c => c.Name == name));
}
