using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Settlement.Testing;

namespace Settlement.IntegrationTests.DeadLetters;

/// <summary>
/// One service for the class, with the queue pair <c>probe</c>/<c>probe_error</c> holding one dead letter, and
/// <c>orphan_error</c> holding one whose queue does not exist.
/// </summary>
public sealed class DeadLetterApiFixture : IAsyncLifetime
{
    internal ServiceWithApi Service { get; private set; } = null!;
    internal string ProbeMessageId { get; private set; } = null!;
    internal string OrphanMessageId { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Service = await ServiceWithApi.StartAsync(await TestServers.SharedAsync());
        await using var probe = await ProbeQueues.CreateAsync(Service.RabbitMqUri);
        ProbeMessageId = (await probe.DeadLetterAsync(1)).Single();
        await using var orphan = await ProbeQueues.CreateAsync(Service.RabbitMqUri, "orphan", withSource: false);
        OrphanMessageId = (await orphan.DeadLetterAsync(1)).Single();
    }

    public async Task DisposeAsync() => await Service.DisposeAsync();
}

/// <summary>What the dead-letter routes answer to requests they cannot serve: RFC 7807 problem details, and nothing moved.</summary>
public class DeadLetterApiInputTests(DeadLetterApiFixture fixture) : IClassFixture<DeadLetterApiFixture>
{
    [Theory]
    [InlineData("GET", "/api/dead-letters", null)]
    [InlineData("POST", "/api/dead-letters/probe_error/retry", "")]
    [InlineData("POST", "/api/dead-letters/probe_error/{probe}/retry", "not-the-key-0123456789")]
    public async Task Every_route_refuses_a_request_without_the_API_key(string method, string path, string? key)
    {
        using var client = fixture.Service.CreateClient(key);

        var problem = await SendAsync(client, method, path, HttpStatusCode.Unauthorized);

        Assert.Equal("Unauthorized", problem.Title);
        await AssertNothingMovedAsync();
    }

    [Theory]
    [InlineData("GET", "/api/dead-letters?queue=wallet", HttpStatusCode.BadRequest, "Not an error queue")]
    [InlineData("GET", "/api/dead-letters?queue=_error", HttpStatusCode.BadRequest, "Not an error queue")]
    [InlineData("GET", "/api/dead-letters?limit=0", HttpStatusCode.BadRequest, "Invalid limit")]
    [InlineData("GET", "/api/dead-letters?limit=1001", HttpStatusCode.BadRequest, "Invalid limit")]
    [InlineData("GET", "/api/dead-letters?queue=nothing_error", HttpStatusCode.NotFound, "Unknown queue")]
    [InlineData("POST", "/api/dead-letters/probe/{probe}/retry", HttpStatusCode.BadRequest, "Not an error queue")]
    [InlineData("POST", "/api/dead-letters/nothing_error/{probe}/retry", HttpStatusCode.NotFound, "Unknown queue")]
    [InlineData("POST", "/api/dead-letters/probe_error/no-such-message/retry", HttpStatusCode.NotFound, "Unknown message")]
    [InlineData("POST", "/api/dead-letters/probe_error/{orphan}/retry", HttpStatusCode.NotFound, "Unknown message")]
    [InlineData("POST", "/api/dead-letters/orphan_error/{orphan}/retry", HttpStatusCode.Conflict, "Cannot move now")]
    [InlineData("POST", "/api/dead-letters/probe/retry", HttpStatusCode.BadRequest, "Not an error queue")]
    [InlineData("POST", "/api/dead-letters/nothing_error/retry", HttpStatusCode.NotFound, "Unknown queue")]
    [InlineData("POST", "/api/dead-letters/orphan_error/retry", HttpStatusCode.Conflict, "Cannot move now")]
    public async Task A_request_the_routes_cannot_serve_is_answered_with_problem_details_and_moves_nothing(
        string method, string path, HttpStatusCode status, string title)
    {
        var problem = await SendAsync(fixture.Service.Api, method, path, status);

        Assert.Equal(title, problem.Title);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
        await AssertNothingMovedAsync();
    }

    async Task<ProblemDetails> SendAsync(HttpClient client, string method, string path, HttpStatusCode status)
    {
        path = path.Replace("{probe}", fixture.ProbeMessageId).Replace("{orphan}", fixture.OrphanMessageId);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal((int)status, problem!.Status);
        return problem;
    }

    async Task AssertNothingMovedAsync()
    {
        var listing = await fixture.Service.ListAsync();
        Assert.Equal([("orphan_error", fixture.OrphanMessageId), ("probe_error", fixture.ProbeMessageId)],
            listing.Messages.Select(m => (m.Queue, m.MessageId!)));
        Assert.Empty(await fixture.Service.Management.PeekAsync(fixture.Service.VirtualHost, "probe"));
    }
}
