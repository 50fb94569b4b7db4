using Settlement.Operations;

namespace Settlement.Host.Api;

/// <summary>The admin and integration routes under <c>/api</c>, all behind the API key. Each concern maps its own routes.</summary>
public static class AdminApi
{
    public static IServiceCollection AddAdminApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new ExactDecimalConverter()));
        services.AddOrderCheckClient();
        services.AddOperationsTools(configuration);
        return services;
    }

    public static WebApplication MapAdminApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>().AddEndpointFilter<RefusalLoggingFilter>();
        api.MapSettlementRoutes();
        api.MapWalletRoutes();
        api.MapTradeRoutes();
        api.MapOrderCheckRoutes();
        api.MapDeadLetterRoutes();
        api.MapReconciliationRoutes();
        return app;
    }
}
