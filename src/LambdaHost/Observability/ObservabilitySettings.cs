using System.Text.RegularExpressions;
using CleanCqrs.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Observability;

/// <summary>
/// How the function describes itself in logs and metrics: the CloudWatch namespace of its metrics
/// (<c>METRICS_NAMESPACE</c>, default <c>CleanCqrs</c>), its service name (<c>SERVICE_NAME</c>, default
/// the Lambda function's name, else <c>cleancqrs</c>: the metrics' <c>Service</c> dimension and the
/// logs' <c>service</c> field) and the lowest level logged: <c>AWS_LAMBDA_LOG_LEVEL</c>, which Lambda
/// sets from <c>LoggingConfig.ApplicationLogLevel</c>, else <c>LOG_LEVEL</c> (local mode), else INFO.
/// </summary>
public sealed partial record ObservabilitySettings(string MetricsNamespace, string ServiceName, LogLevel MinimumLevel, string? FunctionName)
{
    public const string NamespaceSetting = "METRICS_NAMESPACE";
    public const string ServiceNameSetting = "SERVICE_NAME";
    public const string LambdaLogLevelSetting = "AWS_LAMBDA_LOG_LEVEL";
    public const string LogLevelSetting = "LOG_LEVEL";
    public const string FunctionNameSetting = "AWS_LAMBDA_FUNCTION_NAME";
    public const string DefaultNamespace = EmfMetrics.Namespace;
    public const string DefaultService = EmfMetrics.DefaultService;

    public static ObservabilitySettings Default { get; } = new(DefaultNamespace, DefaultService, LogLevel.Information, null);

    /// <exception cref="SettingsException">A namespace or level that CloudWatch or Lambda would not accept; the message names it.</exception>
    public static ObservabilitySettings FromEnvironment(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var env = new SettingsReader(read);
        var metricsNamespace = env.Text(
            NamespaceSetting,
            DefaultNamespace,
            "a CloudWatch namespace of 1 to 255 letters, digits and . - _ / # : (not starting with AWS/)",
            name => MetricNamespace().IsMatch(name) && !name.StartsWith("AWS/", StringComparison.Ordinal));
        var functionName = env.Optional(FunctionNameSetting);
        var service = env.Optional(ServiceNameSetting, "at most 1024 characters (a CloudWatch dimension value)", name => name.Length <= 1024)
            ?? functionName
            ?? DefaultService;

        // Lambda's own setting wins; LOG_LEVEL is for local mode.
        var level = env.IsSet(LambdaLogLevelSetting) ? Level(env, LambdaLogLevelSetting) : Level(env, LogLevelSetting);
        return new ObservabilitySettings(metricsNamespace, service, level, functionName);
    }

    /// <summary>Lambda's level names (<c>TRACE</c> … <c>FATAL</c>), as advanced logging controls write and filter them.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "FATAL",
        _ => "INFO",
    };

    private static LogLevel Level(SettingsReader env, string setting) => env.OneOf(
        setting,
        LogLevel.Information,
        ("TRACE", LogLevel.Trace),
        ("DEBUG", LogLevel.Debug),
        ("INFO", LogLevel.Information),
        ("INFORMATION", LogLevel.Information),
        ("WARN", LogLevel.Warning),
        ("WARNING", LogLevel.Warning),
        ("ERROR", LogLevel.Error),
        ("FATAL", LogLevel.Critical),
        ("CRITICAL", LogLevel.Critical));

    [GeneratedRegex(@"^[A-Za-z0-9.\-_/#:]{1,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex MetricNamespace();
}
