using Settlement.Operations.DeadLetters;
using Settlement.Operations.Trades;

namespace Settlement.Operations;

/// <summary>The operators' tools that the admin API and the console share. Registering them again changes nothing.</summary>
public static class OperationsRegistration
{
    /// <summary>
    /// The dead-letter tooling (<see cref="DeadLetterRegistration.AddDeadLetters"/>), <see cref="TradeAborts"/>, and the
    /// <see cref="BrokerSendDeadline"/> of the sends a request waits on.
    /// </summary>
    public static IServiceCollection AddOperationsTools(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(TradeAborts)))
            return services;

        services.AddDeadLetters(configuration);
        services.AddSingleton<BrokerSendDeadline>();
        // Scoped: it sends through the request's ISendEndpointProvider.
        services.AddScoped<TradeAborts>();
        return services;
    }
}
