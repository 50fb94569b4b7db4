using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Settlement.Host.Composition;

namespace Settlement.Host.Observability;

/// <summary>
/// <c>/health/live</c> (the process answers; no check runs) and <c>/health/ready</c> (every check tagged <c>ready</c>:
/// PostgreSQL answers <c>SELECT 1</c>, and MassTransit's own bus check). 200 when Healthy or Degraded, 503 when Unhealthy,
/// with a JSON body listing each check.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapSettlementHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        return endpoints;
    }

    static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            Status = report.Status.ToString(),
            DurationMs = report.TotalDuration.TotalMilliseconds,
            Checks = report.Entries.Select(entry => new
            {
                Name = entry.Key,
                Status = entry.Value.Status.ToString(),
                entry.Value.Description,
                DurationMs = entry.Value.Duration.TotalMilliseconds,
                Error = entry.Value.Exception?.Message,
                Data = entry.Value.Data.Count > 0 ? entry.Value.Data : null,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }
}

/// <summary>Ready when PostgreSQL answers <c>SELECT 1</c> on the service's connection string.</summary>
public sealed class PostgresHealthCheck(IConfiguration configuration) : IHealthCheck
{
    readonly string _connectionString = SettlementServices.ConnectionString(configuration);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("SELECT 1 answered");
        }
        catch (NpgsqlException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL did not answer SELECT 1", e);
        }
    }
}
