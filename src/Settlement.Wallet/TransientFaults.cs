using System.Net.Sockets;
using Npgsql;

namespace Settlement.Wallet;

/// <summary>
/// Tells a fault that may go away if the same work is tried again (connection loss, a timeout, PostgreSQL restarting,
/// a lock or serialization conflict) from one that will not (a bug, a constraint violation). Message retry policies
/// retry only the first kind; the second goes to the error queue at once.
/// </summary>
public static class TransientFaults
{
    /// <summary>
    /// True when <paramref name="exception"/>, or an exception it wraps, is transient: an <see cref="NpgsqlException"/>
    /// that Npgsql marks transient (connection failures, 53xxx resources, 57P0x shutdown and restart, 40001, 40P01, 55P03),
    /// a <see cref="TimeoutException"/>, or a socket failure. Cancellation is never transient.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case OperationCanceledException:
                    return false;
                case NpgsqlException { IsTransient: true }:
                case TimeoutException:
                case SocketException:
                    return true;
            }
        }

        return false;
    }
}
