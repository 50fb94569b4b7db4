using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;
using Settlement.Testing;

namespace Settlement.IntegrationTests.SagaRepository;

public sealed class SettlementRecordsTests(ServersFixture fixture) : IClassFixture<ServersFixture>, IDisposable
{
    readonly ServiceProvider _services = new ServiceCollection()
        .AddSettlementDatabase(fixture.Servers.PostgresConnectionString)
        .BuildServiceProvider(true);

    SettlementRows Rows => new(fixture.Servers.PostgresConnectionString);

    SettlementRecords Records => _services.GetRequiredService<SettlementRecords>();

    public void Dispose() => _services.Dispose();

    static SettlementState Record(string status = SettlementStatus.Pending, string state = "Started") => new()
    {
        CorrelationId = NewId.NextGuid(),
        CurrentState = state,
        Symbol = "BTC/USDT",
        BaseCurrency = "BTC",
        QuoteCurrency = "USDT",
        Price = 64_000m,
        Quantity = 0.25m,
        ExecutedAt = DateTimeOffset.UtcNow,
        SettlementStatus = status,
        CompletedLegs = ["buyer-debit"],
    };

    [Fact]
    public async Task Find_returns_the_record_of_a_trade_and_null_for_a_trade_without_one()
    {
        var record = Record();
        await Rows.InsertAsync((record, DateTimeOffset.UtcNow));

        try
        {
            var found = await Records.FindAsync(record.CorrelationId);

            Assert.NotNull(found);
            Assert.Equal(record.CorrelationId, found.CorrelationId);
            Assert.Equal(["buyer-debit"], found.CompletedLegs);
            Assert.Null(await Records.FindAsync(NewId.NextGuid()));
        }
        finally
        {
            await Rows.DeleteAsync([record.CorrelationId]);
        }
    }

    [Fact]
    public async Task List_pages_through_records_of_a_status_not_updated_since_a_time_least_recently_updated_first()
    {
        // Far in the past, where only this test puts rows; rows of other tests or runs that still match are skipped by the assertion.
        var origin = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(1_000_000));
        var failed = Enumerable.Range(0, 7).Select(i => (Record: Record(SettlementStatus.Failed), UpdatedAt: origin.AddMinutes(i / 2))).ToList();
        var pendingOfSameAge = (Record(SettlementStatus.Pending), origin.AddMinutes(1));
        var failedTooRecently = (Record(SettlementStatus.Failed), origin.AddDays(1));
        var ours = failed.Select(x => x.Record.CorrelationId).Append(pendingOfSameAge.Item1.CorrelationId).Append(failedTooRecently.Item1.CorrelationId).ToHashSet();
        await Rows.InsertAsync([.. failed, pendingOfSameAge, failedTooRecently]);

        try
        {
            var query = new SettlementListQuery
            {
                Status = SettlementStatus.Failed,
                UpdatedBefore = origin.AddMinutes(10).ToOffset(TimeSpan.FromHours(3)),
                PageSize = 3,
            };
            var listed = new List<SettlementState>();
            SettlementPage page;
            do
            {
                page = await Records.ListAsync(query);
                Assert.InRange(page.Items.Count, 0, 3);
                listed.AddRange(page.Items);
                query = query with { After = page.Next };
            }
            while (page.Next is not null);

            Assert.Equal(listed.Count, listed.Select(x => x.CorrelationId).Distinct().Count());
            var expected = failed
                .OrderBy(x => x.UpdatedAt).ThenBy(x => x.Record.CorrelationId.ToString("N"), StringComparer.Ordinal)
                .Select(x => x.Record.CorrelationId);
            Assert.Equal(expected, listed.Select(x => x.CorrelationId).Where(ours.Contains));
        }
        finally
        {
            await Rows.DeleteAsync(ours);
        }
    }

    [Fact]
    public async Task Count_by_state_and_list_by_state_see_every_record_in_that_state()
    {
        var state = $"CountTest-{Guid.NewGuid():N}";
        var inState = Enumerable.Range(0, 3).Select(_ => (Record(state: state), DateTimeOffset.UtcNow)).ToArray();
        await Rows.InsertAsync(inState);

        try
        {
            var counts = await Records.CountByStateAsync();
            var listed = await Records.ListAsync(new SettlementListQuery { State = state });

            Assert.Equal(3, counts[state]);
            Assert.Equal(inState.Select(x => x.Item1.CorrelationId).Order(), listed.Items.Select(x => x.CorrelationId).Order());
            Assert.Null(listed.Next);
        }
        finally
        {
            await Rows.DeleteAsync(inState.Select(x => x.Item1.CorrelationId));
        }
    }
}
