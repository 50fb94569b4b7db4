using Xunit;

namespace Settlement.Testing;

/// <summary>xUnit class fixture that hands a test class the shared <see cref="TestServers"/> of this test process.</summary>
public sealed class ServersFixture : IAsyncLifetime
{
    public TestServers Servers { get; private set; } = null!;

    public async Task InitializeAsync() => Servers = await TestServers.SharedAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
