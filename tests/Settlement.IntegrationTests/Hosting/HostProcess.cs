using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Settlement.IntegrationTests.Hosting;

/// <summary>
/// The service as its own operating-system process (<c>dotnet Settlement.Host.dll</c>), configured through environment
/// variables as an operator would, stopped with SIGTERM. Its console output is kept for assertions and failure messages.
/// </summary>
sealed class HostProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _output = new();

    HostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }
    public string Output => string.Join('\n', _output);
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "Settlement.Host.dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var host = new HostProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        await host.WaitUntilListeningAsync(TimeSpan.FromSeconds(90));
        return host;
    }

    /// <summary>Kestrel listens only after the bus has started (hosted services start first), so an answer means ready.</summary>
    async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the host exited with {_process.ExitCode}:\n{Output}");
            try
            {
                await http.GetAsync("/");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"the host did not listen on {BaseAddress} within {timeout}:\n{Output}");
    }

    /// <summary>SIGTERM, as a service manager stops it; waits for a graceful exit.</summary>
    public async Task<int> StopAsync(TimeSpan? grace = null)
    {
        if (_process.HasExited)
            return _process.ExitCode;

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(45));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
