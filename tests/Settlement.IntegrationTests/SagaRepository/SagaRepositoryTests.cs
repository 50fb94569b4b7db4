using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Orchestration.Saga;
using Settlement.Testing;

namespace Settlement.IntegrationTests.SagaRepository;

public class SagaRepositoryTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    SettlementRows Rows => new(fixture.Servers.PostgresConnectionString);

    Task<SagaTestHost<TMachine>> StartHost<TMachine>()
        where TMachine : class, SagaStateMachine<SettlementState> =>
        SagaTestHost<TMachine>.StartAsync(fixture.Servers.PostgresConnectionString);

    [Fact]
    public async Task Initiating_message_creates_the_record_later_messages_change_it_and_it_stays_after_the_final_state()
    {
        await using var host = await StartHost<RepositoryTestMachine>();
        var tradeId = NewId.NextGuid();
        var executedAt = new DateTimeOffset(2025, 3, 1, 14, 30, 0, TimeSpan.FromHours(5.5));

        await host.Publish(new StartTestSettlement { TradeId = tradeId, Price = 64_000.123456789012345678m, Quantity = 0.5m, ExecutedAt = executedAt });
        Assert.NotNull(await host.Saga.Exists(tradeId, m => m.Started, Timeout));

        var started = await Rows.FindAsync(tradeId);
        Assert.NotNull(started);
        Assert.Equal(nameof(RepositoryTestMachine.Started), started.CurrentState);
        Assert.Equal("BTC/USDT", started.Symbol);
        Assert.Equal(64_000.123456789012345678m, started.Price);
        Assert.Equal(0.5m, started.Quantity);
        Assert.Equal(executedAt, started.ExecutedAt);
        Assert.Equal(TimeSpan.Zero, started.ExecutedAt.Offset);
        Assert.Equal(SettlementStatus.Pending, started.SettlementStatus);
        Assert.Equal(1, started.Version);
        Assert.Equal(started.CreatedAt, started.UpdatedAt);

        await host.Publish(new RecordTestLeg { TradeId = tradeId, Leg = "buyer-debit" });
        Assert.NotEmpty(await host.Saga.Match(x => x.CorrelationId == tradeId && x.CompletedLegs.Count == 1, Timeout));
        await host.Publish(new RecordTestLeg { TradeId = tradeId, Leg = "seller-credit" });
        Assert.NotEmpty(await host.Saga.Match(x => x.CorrelationId == tradeId && x.CompletedLegs.Count == 2, Timeout));
        await host.Publish(new FinishTestSettlement { TradeId = tradeId });
        Assert.NotNull(await host.Saga.Exists(tradeId, m => m.Final, Timeout));

        var settled = await Rows.FindAsync(tradeId);
        Assert.NotNull(settled);
        Assert.Equal("Final", settled.CurrentState);
        Assert.Equal(["buyer-debit", "seller-credit"], settled.CompletedLegs);
        Assert.Equal(SettlementStatus.Settled, settled.SettlementStatus);
        Assert.NotNull(settled.SettledAt);
        Assert.Equal(TimeSpan.Zero, settled.SettledAt.Value.Offset);
        Assert.Equal(4, settled.Version);
        Assert.Equal(started.CreatedAt, settled.CreatedAt);
        Assert.True(settled.UpdatedAt > started.UpdatedAt);
        Assert.False(host.AnyConsumeFaulted());
    }

    [Fact]
    public async Task A_record_stays_in_its_state_when_a_new_machine_version_declares_states_in_another_order()
    {
        var tradeId = NewId.NextGuid();
        await using (var before = await StartHost<RepositoryTestMachine>())
        {
            await before.Publish(new StartTestSettlement { TradeId = tradeId });
            Assert.NotNull(await before.Saga.Exists(tradeId, m => m.Started, Timeout));
        }

        await using var after = await StartHost<ReorderedRepositoryTestMachine>();
        await after.Publish(new RecordTestLeg { TradeId = tradeId, Leg = "buyer-debit" });

        Assert.NotEmpty(await after.Saga.Match(x => x.CorrelationId == tradeId && x.CompletedLegs.Count == 1, Timeout));
        Assert.NotNull(await after.Saga.Exists(tradeId, m => m.Started, Timeout));
    }

    [Fact]
    public async Task Fifty_concurrent_messages_to_one_settlement_are_all_applied()
    {
        await using var host = await StartHost<RepositoryTestMachine>();
        var tradeId = NewId.NextGuid();
        await host.Publish(new StartTestSettlement { TradeId = tradeId });
        Assert.NotNull(await host.Saga.Exists(tradeId, m => m.Started, Timeout));

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => host.Publish(new CountTestRetry { TradeId = tradeId })));

        Assert.NotEmpty(await host.Saga.Match(x => x.CorrelationId == tradeId && x.SettlementRetryCount >= 50, Timeout));
        var row = await Rows.FindAsync(tradeId);
        Assert.NotNull(row);
        Assert.Equal(50, row.SettlementRetryCount);
        Assert.Equal(51, row.Version);
        Assert.False(host.AnyConsumeFaulted());
    }

    [Fact]
    public Task Simultaneous_initiating_messages_for_one_trade_create_one_record_and_the_later_one_finds_it() =>
        SimultaneousStartsCreateOneRecordEach<RepositoryTestMachine>();

    [Fact]
    public Task Simultaneous_initiating_messages_create_one_record_when_the_machine_inserts_on_initial() =>
        SimultaneousStartsCreateOneRecordEach<InsertingRepositoryTestMachine>();

    async Task SimultaneousStartsCreateOneRecordEach<TMachine>()
        where TMachine : RepositoryTestMachine
    {
        await using var host = await StartHost<TMachine>();
        var tradeIds = Enumerable.Range(0, 10).Select(_ => NewId.NextGuid()).ToList();

        await Task.WhenAll(tradeIds.SelectMany(id => new[]
        {
            host.Publish(new StartTestSettlement { TradeId = id }),
            host.Publish(new StartTestSettlement { TradeId = id }),
        }));

        foreach (var tradeId in tradeIds)
        {
            Assert.NotEmpty(await host.Saga.Match(x => x.CorrelationId == tradeId && x.SettlementRetryCount == 1, Timeout));
            Assert.Equal(1, await Rows.CountAsync(tradeId));
        }
        Assert.False(host.AnyConsumeFaulted());
    }

    [Fact]
    public async Task Load_and_query_repositories_read_the_stored_records()
    {
        await using var host = await StartHost<RepositoryTestMachine>();
        var tradeId = NewId.NextGuid();
        await host.Publish(new StartTestSettlement { TradeId = tradeId, Symbol = "ETH/USDT" });

        Assert.Equal(tradeId, await host.Saga.Exists(tradeId, m => m.Started, Timeout));
        Assert.Equal(tradeId, await host.Saga.Exists(tradeId, Timeout));
        Assert.Null(await host.Saga.Exists(tradeId, m => m.Final, TimeSpan.FromMilliseconds(200)));
        Assert.Null(await host.Saga.NotExists(NewId.NextGuid(), Timeout));

        var loaded = await host.Services.GetRequiredService<ILoadSagaRepository<SettlementState>>().Load(tradeId);
        Assert.Equal("ETH/USDT", loaded.Symbol);
        var found = await host.Services.GetRequiredService<IQuerySagaRepository<SettlementState>>()
            .Find(new SagaQuery<SettlementState>(x => x.Symbol == "ETH/USDT" && x.CorrelationId == tradeId));
        Assert.Equal([tradeId], found);
    }

    [Fact]
    public async Task An_event_correlated_by_a_property_reaches_every_record_with_that_value_and_no_other()
    {
        await using var host = await StartHost<RepositoryTestMachine>();
        var symbol = $"Q{NewId.NextGuid():N}"[..12] + "/TEST";
        Guid[] halted = [NewId.NextGuid(), NewId.NextGuid()];
        var other = NewId.NextGuid();
        foreach (var tradeId in halted)
            await host.Publish(new StartTestSettlement { TradeId = tradeId, Symbol = symbol });
        await host.Publish(new StartTestSettlement { TradeId = other, Symbol = "ETH/USDT" });
        foreach (var tradeId in halted.Append(other))
            Assert.NotNull(await host.Saga.Exists(tradeId, m => m.Started, Timeout));

        await host.Publish(new HaltTestSymbol { Symbol = symbol });

        foreach (var tradeId in halted)
            Assert.NotEmpty(await host.Saga.Match(x => x.CorrelationId == tradeId && x.CompletedLegs.Count == 1, Timeout));
        var untouched = await Rows.FindAsync(other);
        Assert.NotNull(untouched);
        Assert.Empty(untouched.CompletedLegs);
        Assert.False(host.AnyConsumeFaulted());
    }

    [Fact]
    public async Task Events_the_saga_publishes_are_delivered_only_after_its_transaction_commits()
    {
        await using var host = await StartHost<RepositoryTestMachine>();
        var tradeId = NewId.NextGuid();

        // The saga holds its transaction open after publishing: without the outbox, the consumer would run meanwhile and find no row.
        await host.Publish(new StartTestSettlement { TradeId = tradeId, HoldTransaction = TimeSpan.FromMilliseconds(500) });

        var stateSeen = await host.Services.GetRequiredService<StartedRowProbe>().StateSeenBy(tradeId).WaitAsync(Timeout);
        Assert.Equal(nameof(RepositoryTestMachine.Started), stateSeen);
    }
}
