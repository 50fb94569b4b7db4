using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;

namespace Settlement.Operations.OperatorConsole;

/// <summary>
/// The operator console under <c>/console</c>: Razor Pages rendered by the service, behind a sign-in with the admin API's
/// key that sets a session cookie. Every page reads and acts through the same services as the admin API.
/// </summary>
public static class ConsoleRegistration
{
    public const string PathBase = "/console";

    /// <summary>The console's own authentication scheme and policy: nothing else in the service uses cookies.</summary>
    public const string Scheme = "SettlementConsole";

    public static IServiceCollection AddOperatorConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOperationsTools(configuration);
        services.AddOptions<ConsoleOptions>().Bind(configuration.GetSection(ConsoleOptions.SectionName));
        services.AddSingleton<ConsoleSignIn>();
        services.AddTransient<OverviewReader>();

        services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "settlement-console";
            cookie.Cookie.Path = PathBase;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = $"{PathBase}/sign-in";
            cookie.LogoutPath = $"{PathBase}/sign-out";
            cookie.AccessDeniedPath = $"{PathBase}/sign-in";
        });
        services.AddAuthorizationBuilder().AddPolicy(Scheme, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "settlement-console-antiforgery";
            antiforgery.Cookie.Path = PathBase;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddRazorPages(pages =>
            {
                pages.Conventions.AuthorizeFolder("/", Scheme);
                pages.Conventions.AllowAnonymousToPage("/SignIn");
            })
            .AddMvcOptions(mvc => mvc.Filters.Add<AntiforgeryRefusal>())
            .ConfigureApplicationPartManager(parts =>
            {
                // The pages are compiled into this assembly; add it once, whether or not the host's discovery found it.
                var assembly = typeof(ConsoleRegistration).Assembly;
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    if (!parts.ApplicationParts.Any(p => p.GetType() == part.GetType() && p.Name == part.Name))
                        parts.ApplicationParts.Add(part);
                }
            });
        return services;
    }

    /// <summary>Maps the console's pages (their routes all start with <see cref="PathBase"/>).</summary>
    public static IEndpointRouteBuilder MapOperatorConsole(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        return app;
    }
}
