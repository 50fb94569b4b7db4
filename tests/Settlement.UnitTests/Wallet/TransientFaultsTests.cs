using System.Net.Sockets;
using Npgsql;
using Settlement.Wallet;

namespace Settlement.UnitTests.Wallet;

public class TransientFaultsTests
{
    public static TheoryData<string> TransientStates => ["55P03", "40001", "40P01", "57P01", "08006", "53300"];

    public static TheoryData<string> PermanentStates => ["23505", "23514", "42P01", "22003"];

    [Theory]
    [MemberData(nameof(TransientStates))]
    public void PostgreSQL_lock_serialization_restart_and_connection_errors_are_transient(string sqlState) =>
        Assert.True(TransientFaults.IsTransient(Postgres(sqlState)));

    [Theory]
    [MemberData(nameof(PermanentStates))]
    public void PostgreSQL_constraint_schema_and_data_errors_are_not_transient(string sqlState) =>
        Assert.False(TransientFaults.IsTransient(Postgres(sqlState)));

    [Fact]
    public void Timeouts_socket_failures_and_lost_connections_are_transient()
    {
        Assert.True(TransientFaults.IsTransient(new TimeoutException()));
        Assert.True(TransientFaults.IsTransient(new SocketException((int)SocketError.ConnectionRefused)));
        Assert.True(TransientFaults.IsTransient(new NpgsqlException("Exception while reading from stream", new IOException())));
    }

    [Fact]
    public void A_transient_fault_wrapped_by_EF_Core_or_anything_else_is_still_transient() =>
        Assert.True(TransientFaults.IsTransient(new InvalidOperationException("likely due to a transient failure", Postgres("55P03"))));

    [Fact]
    public void Bugs_and_cancellation_are_not_transient()
    {
        Assert.False(TransientFaults.IsTransient(new InvalidOperationException("a bug")));
        Assert.False(TransientFaults.IsTransient(new NullReferenceException()));
        Assert.False(TransientFaults.IsTransient(new OperationCanceledException("stopping", new TimeoutException())));
    }

    static PostgresException Postgres(string sqlState) => new("message", "ERROR", "ERROR", sqlState);
}
