using Npgsql;

namespace Settlement.Simulator.Watching;

/// <summary>Reads settlement records by trade id: one query per poll, <c>trade_id = ANY(@ids)</c> on the primary key.</summary>
public sealed class SettlementReader(NpgsqlDataSource dataSource)
{
    const string Sql = """
        SELECT trade_id, current_state, executed_at, settled_at, updated_at
        FROM settlement.settlements
        WHERE trade_id = ANY(@ids)
        """;

    public async Task<IReadOnlyList<SettlementRow>> ReadAsync(Guid[] tradeIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.AddWithValue("ids", tradeIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SettlementRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new SettlementRow(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return rows;
    }
}
