using Microsoft.Playwright;
using Settlement.IntegrationTests.DeadLetters;
using static Microsoft.Playwright.Assertions;

namespace Settlement.IntegrationTests.OperatorConsole;

/// <summary>What an operator does first: open the console and sign in with the API key through the form.</summary>
static class ConsoleSession
{
    public static async Task<IPage> SignInAsync(ConsoleBrowser browser, ServiceWithApi service, int width = 1280)
    {
        var page = await browser.OpenAsync(service.BaseAddress!, width);
        await page.GotoAsync("/console");
        await page.GetByLabel("API key").FillAsync(ServiceWithApi.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
        return page;
    }
}
