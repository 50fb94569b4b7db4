using System.Diagnostics;

namespace Settlement.Testing;

/// <summary>Runs <c>deploy/servers.sh</c>, the one script that knows how to start and stop the private servers.</summary>
static class ServersScript
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    static readonly Lazy<string> Path = new(() =>
        System.IO.Path.Combine(RepositoryRoot(AppContext.BaseDirectory), "deploy", "servers.sh"));

    /// <summary>Runs the script with these arguments; throws with its output when it fails.</summary>
    public static async Task RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Value);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("Could not start bash to run deploy/servers.sh.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"deploy/servers.sh {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"deploy/servers.sh {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await errors}{await output}");
        }
    }

    /// <summary>The folder that holds Settlement.sln, above <paramref name="start"/>.</summary>
    static string RepositoryRoot(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Settlement.sln")))
                return folder.FullName;
        }

        throw new InvalidOperationException($"No Settlement.sln above {start}: cannot find deploy/servers.sh.");
    }
}
