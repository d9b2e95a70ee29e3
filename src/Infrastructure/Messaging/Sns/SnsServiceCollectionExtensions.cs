using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Messaging.Sns;

public static class SnsServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="SnsClient"/> and the SNS <see cref="ICommitPublisher"/> for <paramref name="settings"/>.</summary>
    public static IServiceCollection AddSnsBroker(this IServiceCollection services, SnsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSnsClient(settings);
        services.AddSingleton<ICommitPublisher>(sp => new SnsCommitPublisher(
            sp.GetRequiredService<SnsClient>(),
            settings.EventsTopicArn,
            LoggerOf<SnsCommitPublisher>(sp)));
        return services;
    }

    /// <summary>
    /// Registers one <see cref="SnsClient"/> for the process; the first settings given win, so the
    /// broker and SMS delivery share its connection pool.
    /// </summary>
    public static IServiceCollection AddSnsClient(this IServiceCollection services, SnsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(settings);
        services.TryAddSingleton(sp => new SnsClient(settings, settings.Credentials, logger: LoggerOf<SnsClient>(sp)));
        if (!services.Any(d => d.ServiceType == typeof(SnsClientWarmup)))
        {
            services.AddSingleton<SnsClientWarmup>();
            // Only where the credentials need no instance metadata probe (a local server's, or configured ones).
            if (settings.Credentials is not null || AwsClientSettings.HasConfiguredCredentials(new SettingsReader()))
            {
                services.AddSingleton<IStartupWarmup>(sp => new AwsClientWarmup(
                    () => sp.GetRequiredService<SnsClient>().PrepareAsync().AsTask(), resolveCredentials: false));
            }
        }
        return services;
    }

    internal static ILogger<T> LoggerOf<T>(IServiceProvider services) =>
        services.GetService<ILogger<T>>() ?? NullLogger<T>.Instance;
}

/// <summary>Marks that the SNS client's warm-up is registered (the broker and SMS delivery share one client).</summary>
internal sealed class SnsClientWarmup;
