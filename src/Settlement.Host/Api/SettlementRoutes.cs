using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Options;
using Settlement.Contracts;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;

namespace Settlement.Host.Api;

/// <summary>Settlement records: one trade's, a filtered page of them, and the operator's abort of a suspended trade.</summary>
public static class SettlementRoutes
{
    public static RouteGroupBuilder MapSettlementRoutes(this RouteGroupBuilder api)
    {
        var settlements = api.MapGroup("/settlements");
        settlements.MapGet("/{tradeId}", GetAsync);
        settlements.MapGet("/", ListAsync);
        settlements.MapPost("/{tradeId}/abort", AbortAsync);
        return api;
    }

    /// <summary>
    /// The states a record can be in: the machine's own <see cref="State"/> properties, which MassTransit names after the
    /// property (Initial and Final are its base class's; no record rests in them). Read from the type, not from an instance:
    /// the machine is registered only in processes that run the saga, and the API runs in every process.
    /// </summary>
    static readonly string[] States =
    [
        .. typeof(SettlementStateMachine).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.PropertyType == typeof(State)).Select(p => p.Name),
    ];

    public static string Location(Guid tradeId) => $"/api/settlements/{tradeId}";

    static async Task<IResult> GetAsync(string tradeId, SettlementRecords records, CancellationToken cancellationToken)
    {
        if (!ApiRequest.TryParseGuid(tradeId, nameof(tradeId), out var id, out var problem))
            return problem;
        return await records.FindAsync(id, cancellationToken) is { } record
            ? Results.Ok(SettlementView.From(record))
            : UnknownTrade(id);
    }

    static async Task<IResult> ListAsync(
        [AsParameters] SettlementListParameters parameters, SettlementRecords records, CancellationToken cancellationToken)
    {
        if (!parameters.TryGetQuery(States, DateTimeOffset.UtcNow, out var query, out var problem))
            return ApiProblems.BadRequest(problem!);

        var page = await records.ListAsync(query, cancellationToken);
        return Results.Ok(new SettlementListView(
            [.. page.Items.Select(SettlementView.From)],
            page.Next is { } next ? SettlementListParameters.EncodeCursor(next) : null));
    }

    /// <summary>
    /// Sends <see cref="AbortSettlement"/> to the saga when the trade waits in Suspended and was not compensating. The saga
    /// checks again when the command arrives and ignores it if the trade has moved on meanwhile.
    /// </summary>
    static async Task<IResult> AbortAsync(string tradeId, HttpRequest request, SettlementRecords records, ISendEndpointProvider sendEndpoints,
        IOptions<SettlementOptions> options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!ApiRequest.TryParseGuid(tradeId, nameof(tradeId), out var id, out var problem))
            return problem;
        if (!(await ApiRequest.ReadJsonAsync<AbortRequest>(request, cancellationToken)).TryGet(out var body, out problem))
            return problem;
        if (ApiProblems.MissingFields(("reason", body.Reason)) is { } missing)
            return ApiProblems.BadRequest(missing);

        if (await records.FindAsync(id, cancellationToken) is not { } record)
            return UnknownTrade(id);
        if (record.CurrentState != nameof(SettlementStateMachine.Suspended) || record.SuspendedFrom == nameof(SettlementStateMachine.Compensating))
            return ApiProblems.Conflict(
                $"Trade {id} is {record.CurrentState}{(record.SuspendedFrom is { } from ? $" (from {from})" : "")}: only a trade Suspended " +
                "outside compensation can be aborted.",
                new Dictionary<string, object?> { ["state"] = record.CurrentState, ["suspendedFrom"] = record.SuspendedFrom });

        var reason = body.Reason!.Trim();
        // exchange:, not queue:, so a quorum queue is not declared again as a classic one.
        var saga = await sendEndpoints.GetSendEndpoint(new Uri($"exchange:{options.Value.QueueName}"));
        await saga.Send(new AbortSettlement { TradeId = id, Reason = reason }, cancellationToken);
        loggers.CreateLogger(typeof(SettlementRoutes)).LogWarning("Abort of trade {TradeId} requested through the API: {Reason}", id, reason);
        return Results.Accepted(Location(id), new AbortAccepted(id, reason));
    }

    static IResult UnknownTrade(Guid tradeId) => ApiProblems.NotFound($"There is no settlement record of trade {tradeId}.");
}
