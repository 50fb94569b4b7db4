using Xunit;

namespace Settlement.Testing;

/// <summary>
/// xUnit class fixture that hands a test class servers of its own (<see cref="TestServers.StartPrivateAsync"/>), for tests
/// that stop and start them without disturbing the tests that share <see cref="TestServers.SharedAsync"/>.
/// </summary>
public sealed class PrivateServersFixture : IAsyncLifetime
{
    public TestServers Servers { get; private set; } = null!;

    public async Task InitializeAsync() => Servers = await TestServers.StartPrivateAsync();

    public async Task DisposeAsync()
    {
        if (Servers is not null)
            await Servers.DisposeAsync();
    }
}
