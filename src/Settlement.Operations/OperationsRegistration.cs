using Settlement.Operations.DeadLetters;
using Settlement.Operations.Trades;

namespace Settlement.Operations;

/// <summary>The operators' tools that the admin API and the console share. Registering them again changes nothing.</summary>
public static class OperationsRegistration
{
    /// <summary>The dead-letter tooling (<see cref="DeadLetterRegistration.AddDeadLetters"/>) and <see cref="TradeAborts"/>.</summary>
    public static IServiceCollection AddOperationsTools(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(TradeAborts)))
            return services;

        services.AddDeadLetters(configuration);
        // Scoped: it sends through the request's ISendEndpointProvider.
        services.AddScoped<TradeAborts>();
        return services;
    }
}
