using Docker.DotNet.Models;
using DotNet.Testcontainers.Images;

namespace Settlement.EndToEndTests.Stack;

/// <summary>
/// Which images the suite runs: settings, so QA points it at a build candidate and a machine without a registry at images
/// it built itself (deploy/docker.sh). The defaults are the public images, pulled when missing.
/// </summary>
public sealed record StackImages(string Postgres, string RabbitMq, string Service, Func<ImageInspectResponse, bool> PullPolicy)
{
    public static StackImages FromEnvironment() => new(
        Setting("SETTLEMENT_E2E_POSTGRES_IMAGE", "postgres:15"),
        Setting("SETTLEMENT_E2E_RABBITMQ_IMAGE", "rabbitmq:3.10-management"),
        Setting("SETTLEMENT_E2E_SERVICE_IMAGE", "settlement:latest"),
        Setting("SETTLEMENT_E2E_PULL", "missing").ToUpperInvariant() switch
        {
            "NEVER" => DotNet.Testcontainers.Images.PullPolicy.Never,
            "ALWAYS" => DotNet.Testcontainers.Images.PullPolicy.Always,
            "MISSING" => DotNet.Testcontainers.Images.PullPolicy.Missing,
            var other => throw new InvalidOperationException($"SETTLEMENT_E2E_PULL is '{other}': use never, missing or always."),
        });

    static string Setting(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
