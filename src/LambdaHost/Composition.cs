using CleanCqrs.Application;
using CleanCqrs.Application.Otps;
using CleanCqrs.Infrastructure;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Logging;
using CleanCqrs.LambdaHost.Messaging;
using CleanCqrs.LambdaHost.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost;

/// <summary>How the process logs: plain lines for a person, JSON lines for CloudWatch, or not at all.</summary>
public enum LogFormat
{
    None,
    Text,
    JsonLines,
}

/// <summary>
/// The composition root: the one place that knows every layer. The provider is built once per
/// process; everything in it is a singleton, so an invocation builds nothing.
/// </summary>
public static class Composition
{
    /// <summary>The production provider: infrastructure chosen by <paramref name="settings"/>.</summary>
    public static ServiceProvider BuildServiceProvider(ServiceSettings settings, LogFormat logFormat) =>
        BuildServiceProvider(settings, logFormat, services => services.AddInfrastructure(settings));

    /// <summary>
    /// The same provider with the infrastructure part supplied by the caller (tests register
    /// in-memory adapters here). Registrations made there win over the application's defaults.
    /// </summary>
    public static ServiceProvider BuildServiceProvider(
        ServiceSettings settings, LogFormat logFormat, Action<IServiceCollection> addInfrastructure)
    {
        var services = new ServiceCollection();
        services.AddHost(settings, logFormat, addInfrastructure);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static IServiceCollection AddHost(
        this IServiceCollection services, ServiceSettings settings, LogFormat logFormat, Action<IServiceCollection> addInfrastructure)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(addInfrastructure);

        services.AddSingleton(settings);
        services.AddLogging(logging => ConfigureLogging(logging, logFormat));
        services.AddApplication(new OtpOptions { Ttl = settings.OtpTtl });
        addInfrastructure(services);
        services.AddMediatorPipeline();

        services.AddSingleton<BearerAuthentication>();
        services.AddSingleton<HttpApi>();
        services.AddSingleton<SqsConsumer>();
        services.AddSingleton<ScheduledSweep>();
        services.AddSingleton<Function>();
        return services;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogFormat format)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Information);
        switch (format)
        {
            case LogFormat.Text:
                logging.AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.UseUtcTimestamp = true;
                    options.TimestampFormat = "HH:mm:ss ";
                });
                break;
            case LogFormat.JsonLines:
                logging.Services.AddSingleton<ILoggerProvider>(_ =>
                    new JsonLinesLoggerProvider(Console.OpenStandardOutput(), TimeProvider.System));
                break;
            case LogFormat.None:
                break;
        }
    }
}
