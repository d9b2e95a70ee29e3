using System.Text;
using System.Text.Json;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Logging;
using CleanCqrs.LambdaHost.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.LambdaHost.Tests.Logging;

/// <summary>Log lines as Lambda's advanced logging controls and Powertools-reading tools expect them.</summary>
public sealed class JsonLogLineTests
{
    private const string TraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private static readonly ObservabilitySettings Settings = new("CleanCqrs", "orders-service", LogLevel.Information, "cleancqrs-prod-function");

    [Test]
    public void A_line_in_an_invocation_has_the_powertools_fields()
    {
        var lines = Log(Settings, logger =>
        {
            using var scope = logger.BeginScope(new Dictionary<string, object?>
            {
                [JsonLinesLoggerProvider.RequestIdScope] = "c6af9ac6-7b61-11e6-9a41-93e812345678",
                [JsonLinesLoggerProvider.TraceIdScope] = TraceHeader,
                [JsonLinesLoggerProvider.ColdStartScope] = true,
            });
            logger.LogWarning("Slow {Operation}", "Query");
        });

        var line = lines.Single().RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(line.GetProperty("timestamp").GetString(), Is.EqualTo("2026-11-27T09:00:00.123Z"));
            Assert.That(line.GetProperty("level").GetString(), Is.EqualTo("WARN"));
            Assert.That(line.GetProperty("message").GetString(), Is.EqualTo("Slow Query"));
            Assert.That(line.GetProperty("service").GetString(), Is.EqualTo("orders-service"));
            Assert.That(line.GetProperty("cold_start").GetBoolean(), Is.True);
            Assert.That(line.GetProperty("function_name").GetString(), Is.EqualTo("cleancqrs-prod-function"));
            Assert.That(line.GetProperty("function_request_id").GetString(), Is.EqualTo("c6af9ac6-7b61-11e6-9a41-93e812345678"));
            Assert.That(line.GetProperty("xray_trace_id").GetString(), Is.EqualTo("1-5759e988-bd862e3fe1be46a994272793"));
            Assert.That(line.GetProperty("Operation").GetString(), Is.EqualTo("Query"));
            Assert.That(line.TryGetProperty("AwsRequestId", out _), Is.False, "the scope keys are renamed, not repeated");
        });
    }

    [TestCase(LogLevel.Trace, "TRACE")]
    [TestCase(LogLevel.Debug, "DEBUG")]
    [TestCase(LogLevel.Information, "INFO")]
    [TestCase(LogLevel.Warning, "WARN")]
    [TestCase(LogLevel.Error, "ERROR")]
    [TestCase(LogLevel.Critical, "FATAL")]
    public void Levels_have_lambdas_names(LogLevel level, string name)
    {
        var lines = Log(Settings with { MinimumLevel = LogLevel.Trace }, logger => logger.Log(level, "x"));

        Assert.That(lines.Single().RootElement.GetProperty("level").GetString(), Is.EqualTo(name));
    }

    [Test]
    public void Lines_below_the_configured_level_are_not_written()
    {
        var lines = Log(Settings with { MinimumLevel = LogLevel.Warning }, logger =>
        {
            logger.LogDebug("no");
            logger.LogInformation("no");
            logger.LogWarning("yes");
            logger.LogError("yes");
        });

        Assert.That(lines.Select(l => l.RootElement.GetProperty("message").GetString()), Is.EqualTo(new[] { "yes", "yes" }));
    }

    [Test]
    public void Lambdas_log_level_wins_over_the_local_one_and_info_is_the_default()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Read(("AWS_LAMBDA_LOG_LEVEL", "ERROR"), ("LOG_LEVEL", "DEBUG")).MinimumLevel, Is.EqualTo(LogLevel.Error));
            Assert.That(Read(("LOG_LEVEL", "debug")).MinimumLevel, Is.EqualTo(LogLevel.Debug));
            Assert.That(Read().MinimumLevel, Is.EqualTo(LogLevel.Information));
            Assert.That(Read(("AWS_LAMBDA_LOG_LEVEL", "FATAL")).MinimumLevel, Is.EqualTo(LogLevel.Critical));
        });
    }

    [Test]
    public void Namespace_and_service_default_as_before_and_can_be_set()
    {
        var defaults = Read(("AWS_LAMBDA_FUNCTION_NAME", "stack-function"));
        var set = Read(("AWS_LAMBDA_FUNCTION_NAME", "stack-function"), ("METRICS_NAMESPACE", "Acme/Otp"), ("SERVICE_NAME", "otp"));

        Assert.Multiple(() =>
        {
            Assert.That((defaults.MetricsNamespace, defaults.ServiceName), Is.EqualTo(("CleanCqrs", "stack-function")));
            Assert.That(Read().ServiceName, Is.EqualTo("cleancqrs"));
            Assert.That((set.MetricsNamespace, set.ServiceName), Is.EqualTo(("Acme/Otp", "otp")));
        });
    }

    [TestCase("LOG_LEVEL", "LOUD")]
    [TestCase("AWS_LAMBDA_LOG_LEVEL", "Verbose")]
    [TestCase("METRICS_NAMESPACE", "AWS/Lambda")]
    [TestCase("METRICS_NAMESPACE", "has spaces")]
    public void A_malformed_setting_is_named(string setting, string value)
    {
        var error = Assert.Throws<SettingsException>(() => Read((setting, value)));

        Assert.That(error!.Setting, Is.EqualTo(setting));
    }

    [Test]
    public void Metrics_go_to_the_configured_namespace_with_the_service_dimension()
    {
        using var output = new MemoryStream();
        using (var provider = new JsonLinesLoggerProvider(output, new FakeTimeProvider()))
        using (var metrics = new EmfMetrics(provider, new FakeTimeProvider(), "otp", "Acme/Otp"))
        {
            metrics.Count("Commands");
        }

        using var line = JsonDocument.Parse(Encoding.UTF8.GetString(output.ToArray()).Trim());
        var directive = line.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.That(directive.GetProperty("Namespace").GetString(), Is.EqualTo("Acme/Otp"));
        Assert.That(line.RootElement.GetProperty("Service").GetString(), Is.EqualTo("otp"));
    }

    private static ObservabilitySettings Read(params (string Name, string Value)[] values) =>
        ObservabilitySettings.FromEnvironment(name => values.FirstOrDefault(v => v.Name == name).Value);

    private static List<JsonDocument> Log(ObservabilitySettings settings, Action<ILogger> write)
    {
        using var output = new MemoryStream();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, 123, TimeSpan.Zero));
        using (var provider = new JsonLinesLoggerProvider(output, clock, settings))
        {
            write(provider.CreateLogger("Test"));
        }

        return [.. Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l))];
    }
}
