using System.Net;
using Microsoft.Playwright;
using Settlement.IntegrationTests.DeadLetters;
using Settlement.Testing;
using static Microsoft.Playwright.Assertions;

namespace Settlement.IntegrationTests.OperatorConsole;

/// <summary>The console's door: sign-in with the API key, refusals, the session cookie, antiforgery and bad input.</summary>
public class ConsoleSignInTests(ServersFixture servers, ConsoleBrowser browser) : ConsoleTests(servers, browser)
{
    [Fact]
    public async Task Without_a_key_the_console_shows_only_the_sign_in_form_and_a_wrong_key_is_refused()
    {
        var page = await Browser.OpenAsync(Service.BaseAddress!);

        var opened = await page.GotoAsync("/console/dead-letters");
        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)opened!.Status);
        Assert.StartsWith($"{Service.BaseAddress}console/sign-in", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation)).ToHaveCountAsync(0);
        await ConsoleBrowser.ScreenshotAsync(page, "01-sign-in");

        await page.GetByLabel("API key").FillAsync("not-the-key-but-long-enough");
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(HttpStatusCode.Unauthorized, (HttpStatusCode)refused.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Refused: that is not the service's API key.");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "settlement-console");
        await Service.Logs.WaitForAsync("Console sign-in refused", "wrong API key");
        Assert.DoesNotContain(Service.Logs.Events, e => e.Mentions("not-the-key-but-long-enough"));
        await ConsoleBrowser.ScreenshotAsync(page, "02-sign-in-refused");

        // No key at all: the form is not even sent without one, and a request without the cookie is turned back.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Service.BaseAddress };
        var answer = await anonymous.GetAsync("/console/trades");
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/console/sign-in", answer.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_with_the_key_sets_a_strict_http_only_session_cookie_and_signing_out_clears_it()
    {
        var page = await Browser.OpenAsync(Service.BaseAddress!);
        await page.GotoAsync("/console/trades");
        await page.GetByLabel("API key").FillAsync(ServiceWithApi.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // Back where the operator was going, and the key is nowhere: not in the address, not in the page.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Trades" })).ToBeVisibleAsync();
        Assert.DoesNotContain(ServiceWithApi.ApiKey, page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(ServiceWithApi.ApiKey, await page.ContentAsync(), StringComparison.Ordinal);
        var session = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "settlement-console");
        Assert.Equal((true, SameSiteAttribute.Strict, "/console"), (session.HttpOnly, session.SameSite, session.Path));
        Assert.DoesNotContain(ServiceWithApi.ApiKey, session.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(Service.Logs.Events, e => e.Mentions(ServiceWithApi.ApiKey));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Signed out");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "settlement-console");
        await page.GotoAsync("/console");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_action_sent_without_its_antiforgery_token_is_refused_and_does_nothing()
    {
        var page = await ConsoleSession.SignInAsync(Browser, Service);

        // The session cookie goes with it (same browser context), the form's hidden token does not.
        var forged = await page.APIRequest.PostAsync("/console/sign-out", new() { Form = page.APIRequest.CreateFormData() });
        Assert.Equal(HttpStatusCode.BadRequest, (HttpStatusCode)forged.Status);
        Assert.Contains("without a valid antiforgery token, so nothing was done", await forged.TextAsync(), StringComparison.Ordinal);
        var retry = await page.APIRequest.PostAsync("/console/dead-letters?handler=RetryGroup",
            new() { Form = page.APIRequest.CreateFormData().Set("queue", "wallet_error").Set("group", "any").Set("count", "1") });
        Assert.Equal(HttpStatusCode.BadRequest, (HttpStatusCode)retry.Status);

        // Still signed in: the forged sign-out did nothing.
        await page.GotoAsync("/console");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Bad_input_in_an_address_or_a_filter_gets_a_refusal_that_says_what_is_wrong()
    {
        var page = await ConsoleSession.SignInAsync(Browser, Service);

        Assert.Equal(400, (await page.GotoAsync("/console/trades/not-a-trade"))!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("'not-a-trade' is not a trade id: a trade id is a GUID.");

        Assert.Equal(400, (await page.GotoAsync("/console/trades?status=LOST&olderThan=soon"))!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("status 'LOST' is not one of PENDING, SETTLED, SETTLEMENT_FAILED.");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("olderThan 'soon' is neither");

        var unknown = Guid.NewGuid();
        Assert.Equal(404, (await page.GotoAsync($"/console/trades/{unknown}"))!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"There is no settlement record of trade {unknown}.");

        Assert.Equal(400, (await page.GotoAsync("/console/dead-letters/wallet/some-message"))!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("wallet is not an error queue");

        Assert.Equal(400, (await page.GotoAsync("/console/wallets/12345"))!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("'12345' is not a user id: a user id is a GUID.");
    }
}
