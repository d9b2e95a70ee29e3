using CleanCqrs.Application;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Otps;
using CleanCqrs.Application.Otps.Limits;
using CleanCqrs.Infrastructure;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Http.Idempotency;
using CleanCqrs.LambdaHost.Logging;
using CleanCqrs.LambdaHost.Messaging;
using CleanCqrs.LambdaHost.Observability;
using CleanCqrs.LambdaHost.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// <summary>Set by Lambda to the function's name; the metrics' <c>Service</c> dimension.</summary>
    public const string FunctionNameVariable = "AWS_LAMBDA_FUNCTION_NAME";

    /// <summary>The production provider: infrastructure chosen by <paramref name="settings"/>.</summary>
    /// <param name="validate">
    /// Build every registration's call site up front and check scopes (local mode and the operator
    /// commands). The Lambda bootstrap passes false: validating the whole graph was a fifth of its
    /// init CPU (docs/performance.md), and the same graph, AWS mode included, is validated by tests
    /// (<c>TemplateTests</c>, <c>CompositionTests</c>) that build it with validation on.
    /// </param>
    public static ServiceProvider BuildServiceProvider(ServiceSettings settings, LogFormat logFormat, bool validate = true)
    {
        var services = new ServiceCollection();
        services.AddHost(settings, logFormat, s => s.AddInfrastructure(settings));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = validate, ValidateScopes = validate });
    }

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
        var observability = ObservabilitySettings.FromEnvironment(Environment.GetEnvironmentVariable);
        services.TryAddSingleton(observability);
        services.AddLogging(logging => ConfigureLogging(logging, logFormat, observability));
        services.AddApplication(new OtpOptions { Ttl = settings.OtpTtl }, new OtpLimitOptions
        {
            AddressLimitPerHour = settings.OtpAddressLimitPerHour,
            SmsBudgetPerHour = settings.SmsBudgetPerHour,
            EmailBudgetPerHour = settings.EmailBudgetPerHour,
            SmsCountries = settings.OtpCountries,
        });
        addInfrastructure(services);
        AddMetrics(services, logFormat);
        services.AddMediatorPipeline();

        services.AddSingleton<IdempotentRequests>();
        services.AddSingleton<BearerAuthentication>();
        services.AddSingleton(sp => new CorsPolicy(sp.GetRequiredService<ServiceSettings>()));
        services.AddSingleton<HttpApi>();
        services.AddSingleton<SqsConsumer>();
        services.AddSingleton<ScheduledSweep>();
        services.AddSingleton<AccessLog>();
        services.AddSingleton<Function>();
        return services;
    }

    /// <summary>
    /// EMF lines where the log is JSON lines (Lambda: CloudWatch Logs extracts them), nothing
    /// otherwise. Registrations made in <c>addInfrastructure</c> win, so tests can record instead.
    /// </summary>
    private static void AddMetrics(IServiceCollection services, LogFormat logFormat)
    {
        if (logFormat == LogFormat.JsonLines)
        {
            services.TryAddSingleton(sp => new EmfMetrics(
                sp.GetRequiredService<JsonLinesLoggerProvider>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ObservabilitySettings>().ServiceName,
                sp.GetRequiredService<ObservabilitySettings>().MetricsNamespace));
            services.TryAddSingleton<IMetrics>(sp => sp.GetRequiredService<EmfMetrics>());
            services.TryAddSingleton<IInvocationMetrics>(sp => sp.GetRequiredService<EmfMetrics>());
            services.TryAddSingleton<IBudgetAlarm>(sp => new EmfBudgetAlarm(
                sp.GetRequiredService<JsonLinesLoggerProvider>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ObservabilitySettings>().ServiceName,
                sp.GetRequiredService<ObservabilitySettings>().MetricsNamespace));
        }

        services.TryAddSingleton<IMetrics>(NullMetrics.Instance);
        services.TryAddSingleton<IInvocationMetrics>(NoInvocationMetrics.Instance);
        services.TryAddSingleton<IBudgetAlarm>(NoBudgetAlarm.Instance);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogFormat format, ObservabilitySettings observability)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(observability.MinimumLevel);
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
                logging.Services.AddSingleton(_ => new JsonLinesLoggerProvider(Console.OpenStandardOutput(), TimeProvider.System, observability));
                logging.Services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<JsonLinesLoggerProvider>());
                break;
            case LogFormat.None:
                break;
        }
    }
}
