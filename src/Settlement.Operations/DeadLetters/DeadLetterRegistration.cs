using Microsoft.Extensions.Options;
using Settlement.Orchestration.Sweeper;

namespace Settlement.Operations.DeadLetters;

/// <summary>The dead-letter tooling's services, shared by the admin API's routes and the console.</summary>
public static class DeadLetterRegistration
{
    /// <summary>Registers <see cref="DeadLetterService"/>, the broker management client and <see cref="BrokerManagementOptions"/>.</summary>
    public static IServiceCollection AddDeadLetters(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RabbitMqOptions>().Bind(configuration.GetSection(RabbitMqOptions.SectionName)).ValidateOnStart();
        services.AddOptions<BrokerManagementOptions>().Bind(configuration.GetSection(BrokerManagementOptions.SectionName))
            .Validate(o => o.ManagementUri is { IsAbsoluteUri: true, Scheme: "http" or "https" },
                "RabbitMq:ManagementUri must be an absolute http:// or https:// URI")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<BrokerManagementOptions>, BrokerManagementOptionsSetup>();
        // Metrics scrapes call it every few seconds: its request logging would add four lines per scrape.
        services.AddHttpClient(BrokerManagementClient.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        services.AddSingleton<BrokerManagementClient>();
        services.AddSingleton<ISettlementBacklog, BrokerBacklog>();
        services.AddSingleton<ErrorQueueBroker>();
        services.AddTransient<DeadLetterService>();
        return services;
    }
}
