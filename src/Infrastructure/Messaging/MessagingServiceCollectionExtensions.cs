using CleanCqrs.Application.Common.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Infrastructure.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// The in-process broker (<c>broker.db</c> under <paramref name="dataDirectory"/>), the commit
    /// publisher that feeds it, and the pump the host starts with its batch handler.
    /// </summary>
    public static IServiceCollection AddInProcBroker(this IServiceCollection services, string dataDirectory, int maxReceiveCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReceiveCount, 1);
        return services.AddInProcBroker(dataDirectory, new InProcBrokerOptions { MaxReceiveCount = maxReceiveCount });
    }

    /// <summary>As <see cref="AddInProcBroker(IServiceCollection, string, int)"/>, with every queue setting given.</summary>
    public static IServiceCollection AddInProcBroker(this IServiceCollection services, string dataDirectory, InProcBrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(sp => new InProcBroker(
            dataDirectory,
            options,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<InProcBroker>>()));
        services.AddSingleton<ICommitPublisher, InProcCommitPublisher>();
        services.AddSingleton(sp => new BrokerPump(sp.GetRequiredService<InProcBroker>(), sp.GetService<ILogger<BrokerPump>>()));
        return services;
    }
}
