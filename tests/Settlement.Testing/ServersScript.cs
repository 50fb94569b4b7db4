using System.Diagnostics;

namespace Settlement.Testing;

/// <summary>Runs <c>deploy/servers.sh</c>, the one script that knows how to start and stop the private servers.</summary>
public static class ServersScript
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    static readonly Lazy<string> Path = new(() =>
        System.IO.Path.Combine(RepositoryRoot(AppContext.BaseDirectory), "deploy", "servers.sh"));

    /// <summary>Runs the script with these arguments; throws with its output when it fails.</summary>
    public static Task RunAsync(CancellationToken cancellationToken, params string[] arguments) =>
        RunAsync(cancellationToken, readOutput: false, arguments);

    /// <summary>Runs the script with these arguments and returns what it wrote on stdout, trimmed; throws with its output when it fails.</summary>
    /// <remarks>Not for the verbs that start servers: a server started in the background keeps the script's stdout open.</remarks>
    public static Task<string> OutputAsync(CancellationToken cancellationToken, params string[] arguments) =>
        RunAsync(cancellationToken, readOutput: true, arguments);

    static async Task<string> RunAsync(CancellationToken cancellationToken, bool readOutput, string[] arguments)
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

        return readOutput ? (await output).Trim() : string.Empty;
    }

    /// <summary>The folder that holds Settlement.sln, above <paramref name="start"/> (default: the test's output folder).</summary>
    public static string RepositoryRoot(string? start = null)
    {
        start ??= AppContext.BaseDirectory;
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Settlement.sln")))
                return folder.FullName;
        }

        throw new InvalidOperationException($"No Settlement.sln above {start}: cannot find deploy/servers.sh.");
    }
}
