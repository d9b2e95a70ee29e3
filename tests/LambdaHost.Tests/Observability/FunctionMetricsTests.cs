using System.Text;
using System.Text.Json;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Logging;
using CleanCqrs.LambdaHost.Observability;
using CleanCqrs.LambdaHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

using CleanCqrs.TestSupport;

namespace CleanCqrs.LambdaHost.Tests.Observability;

/// <summary>
/// The Lambda-mode wiring through the function entry: JSON-lines logs and EMF lines share one
/// output, and each invocation's metrics land in it before the function returns.
/// </summary>
public sealed class FunctionMetricsTests
{
    private const string TraceId = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private FakeTimeProvider _clock = null!;
    private MemoryStream _stdout = null!;
    private RecordingCommitPublisher _publisher = null!;
    private FakeTokenService _tokens = null!;
    private ServiceProvider _services = null!;
    private Function _function = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        _stdout = new MemoryStream();
        _publisher = new RecordingCommitPublisher();
        _tokens = new FakeTokenService();
        var log = new JsonLinesLoggerProvider(_stdout, _clock);
        var metrics = new EmfMetrics(log, _clock, "cleancqrs-test");
        _services = Composition.BuildServiceProvider(new ServiceSettings(), LogFormat.None, services =>
        {
            services.AddSingleton<TimeProvider>(_clock);
            services.AddSingleton<IEventStore>(new InMemoryEventStore());
            services.AddSingleton<IReadModelStore<OrgReadModel>>(new InMemoryReadModelStore<OrgReadModel>());
            services.AddSingleton<ICommitPublisher>(_publisher);
            services.AddSingleton<ITokenIssuer>(_tokens);
            services.AddSingleton<ITokenValidator>(_tokens);
            services.AddSingleton<IJwksSource>(_tokens);
            services.AddSingleton<IOtpCodes, DeterministicOtpCodes>();
            services.AddSingleton<IOtpSender>(new RecordingOtpSender());
            services.AddInMemoryGuards();
            services.AddSingleton<ILoggerProvider>(log);
            services.AddSingleton<IMetrics>(metrics);
            services.AddSingleton<IInvocationMetrics>(metrics);
        });
        _function = _services.GetRequiredService<Function>();
    }

    [TearDown]
    public void TearDown()
    {
        _services.Dispose();
        _stdout.Dispose();
    }

    private async Task<byte[]> InvokeAsync(ApiRequest request, string requestId) =>
        await _function.HandleAsync(AwsEvents.HttpApi(request), new InvocationContext(requestId, _clock.GetUtcNow().AddSeconds(30), TraceId), CancellationToken.None);

    private List<JsonDocument> Lines() =>
        [.. Encoding.UTF8.GetString(_stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l))];

    private static bool IsEmf(JsonDocument line) => line.RootElement.TryGetProperty("_aws", out _);

    [Test]
    public async Task A_request_writes_one_EMF_line_with_the_command_outcome_store_and_publish_latencies()
    {
        await InvokeAsync(new ApiRequest("POST", "/otp").WithJson("""{"primary":"ops@example.com","role":"org","country":"SG"}"""), "req-otp");

        var lines = Lines();
        var emf = lines.Where(IsEmf).ToList();
        Assert.That(emf, Has.Count.EqualTo(1));
        var metrics = EmfAssert.IsValid(emf[0]);
        Assert.That(metrics.Keys, Is.SupersetOf(new[]
        {
            MetricNames.Commands, MetricNames.CommandDuration, MetricNames.StoreLoadLatency,
            MetricNames.StoreAppendLatency, MetricNames.PublishLatency,
        }));
        var root = emf[0].RootElement;
        Assert.That(root.GetProperty("Command").GetString(), Is.EqualTo("RequestOtp"));
        Assert.That(root.GetProperty("Outcome").GetString(), Is.EqualTo(Outcomes.Ok));
        Assert.That(root.GetProperty("requestId").GetString(), Is.EqualTo("req-otp"));
        Assert.That(root.GetProperty("traceId").GetString(), Is.EqualTo(TraceId));
        Assert.That(lines.Last(), Is.SameAs(emf[0]), "the metrics are the invocation's last line");
        lines.ForEach(l => l.Dispose());
    }

    [Test]
    public async Task Every_log_line_of_an_invocation_carries_its_request_id_and_trace_id()
    {
        await InvokeAsync(new ApiRequest("POST", "/otp").WithJson("""{"primary":"ops@example.com","role":"org","country":"SG"}"""), "req-logs");

        var lines = Lines();
        var logs = lines.Where(l => !IsEmf(l)).ToList();
        Assert.That(logs, Is.Not.Empty);
        foreach (var line in logs)
        {
            Assert.That(line.RootElement.GetProperty("function_request_id").GetString(), Is.EqualTo("req-logs"));
            Assert.That(line.RootElement.GetProperty("xray_trace_id").GetString(), Is.EqualTo("1-5759e988-bd862e3fe1be46a994272793"));
            Assert.That(line.RootElement.GetProperty("level").GetString(), Is.AnyOf("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"));
        }

        // The access log line is one of them: route template, status, duration.
        var access = logs.Single(l => l.RootElement.GetProperty("category").GetString() == typeof(AccessLog).FullName);
        Assert.That(access.RootElement.GetProperty("Route").GetString(), Is.EqualTo("/otp"));
        Assert.That(access.RootElement.GetProperty("Status").GetInt64(), Is.EqualTo(202));
        Assert.That(access.RootElement.GetProperty("DurationMs").GetDouble(), Is.GreaterThanOrEqualTo(0));

        lines.ForEach(l => l.Dispose());
    }

    [Test]
    public async Task A_refusal_made_before_the_pipeline_is_counted_as_the_commands_outcome()
    {
        await InvokeAsync(new ApiRequest("POST", "/orgs").WithJson("""{"name":"Acme","location":"SG"}"""), "req-401");
        var worker = _tokens.Mint(new TokenClaims("w-1", "worker", "SG"));
        await InvokeAsync(new ApiRequest("POST", "/orgs").WithJson("""{"name":"Acme","location":"SG"}""").WithBearer(worker), "req-403");
        await InvokeAsync(new ApiRequest("POST", "/otp").WithJson("""{"primary":"ops@example.com"}"""), "req-400");

        var lines = Lines();
        var outcomes = lines.Where(IsEmf)
            .Select(l => (l.RootElement.GetProperty("Command").GetString(), l.RootElement.GetProperty("Outcome").GetString()))
            .ToList();
        Assert.That(outcomes, Is.EqualTo(new[]
        {
            ("CreateOrg", Outcomes.Unauthorized),
            ("CreateOrg", Outcomes.Forbidden),
            ("RequestOtp", Outcomes.Validation),
        }));
        lines.ForEach(l => l.Dispose());
    }

    [Test]
    public async Task An_SQS_batch_records_its_item_failures_and_the_projection_lag()
    {
        var org = _tokens.Mint(new TokenClaims("org-1", "org", "SG"));
        await InvokeAsync(new ApiRequest("POST", "/orgs").WithJson("""{"name":"Acme","location":"SG"}""").WithBearer(org), "req-create");
        _stdout.SetLength(0);
        _clock.Advance(TimeSpan.FromMilliseconds(750));

        await _publisher.DeliverAsync(_function, _clock.GetUtcNow(), viaSns: true);

        var lines = Lines();
        var emf = lines.Single(IsEmf);
        EmfAssert.IsValid(emf);
        Assert.That(EmfAssert.Values(emf, MetricNames.BatchItemFailures), Is.EqualTo(new[] { 0.0 }));
        Assert.That(EmfAssert.Values(emf, MetricNames.ProjectionLag), Is.EqualTo(new[] { 750.0 }));
        lines.ForEach(l => l.Dispose());
    }
}
