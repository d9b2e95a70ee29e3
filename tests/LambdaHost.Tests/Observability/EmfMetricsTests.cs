using System.Text.Json;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Observability;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.LambdaHost.Tests.Observability;

public sealed class EmfMetricsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private RecordingLineWriter _output = null!;
    private EmfMetrics _metrics = null!;

    [SetUp]
    public void SetUp()
    {
        _output = new RecordingLineWriter();
        _metrics = new EmfMetrics(_output, new FakeTimeProvider(Now), "cleancqrs-prod-function");
    }

    [TearDown]
    public void TearDown() => _metrics.Dispose();

    private static InvocationContext Context(string requestId = "req-1") =>
        new(requestId, Now.AddSeconds(30), "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");

    [Test]
    public void Writes_nothing_for_an_invocation_that_recorded_nothing()
    {
        using (_metrics.BeginInvocation(Context()))
        {
        }

        Assert.That(_output.Lines, Is.Empty);
    }

    [Test]
    public void Writes_one_valid_EMF_line_per_invocation_with_units_dimensions_and_ids()
    {
        using (_metrics.BeginInvocation(Context()))
        {
            _metrics.Count(MetricNames.Commands, 1, MetricDimensions.ForCommand("CreateOrg", Outcomes.Ok));
            _metrics.Duration(MetricNames.CommandDuration, TimeSpan.FromMilliseconds(42.5), MetricDimensions.ForCommand("CreateOrg", Outcomes.Ok));
            _metrics.Duration(MetricNames.StoreLoadLatency, TimeSpan.FromMilliseconds(7));
            _metrics.Duration(MetricNames.StoreAppendLatency, TimeSpan.FromMilliseconds(9.25));
            _metrics.Duration(MetricNames.PublishLatency, TimeSpan.FromMilliseconds(20));
        }

        Assert.That(_output.Lines, Has.Count.EqualTo(1));
        Assert.That(_output.Lines[0], Does.Not.Contain('\n'));
        using var line = JsonDocument.Parse(_output.Lines[0]);
        var definitions = EmfAssert.IsValid(line);
        Assert.That(definitions, Is.EquivalentTo(new Dictionary<string, string>
        {
            [MetricNames.Commands] = "Count",
            [MetricNames.CommandDuration] = "Milliseconds",
            [MetricNames.StoreLoadLatency] = "Milliseconds",
            [MetricNames.StoreAppendLatency] = "Milliseconds",
            [MetricNames.PublishLatency] = "Milliseconds",
        }));

        var root = line.RootElement;
        Assert.That(root.GetProperty("_aws").GetProperty("Timestamp").GetInt64(), Is.EqualTo(Now.ToUnixTimeMilliseconds()));
        Assert.That(root.GetProperty("Service").GetString(), Is.EqualTo("cleancqrs-prod-function"));
        Assert.That(root.GetProperty("Command").GetString(), Is.EqualTo("CreateOrg"));
        Assert.That(root.GetProperty("Outcome").GetString(), Is.EqualTo("ok"));
        Assert.That(root.GetProperty("requestId").GetString(), Is.EqualTo("req-1"));
        Assert.That(root.GetProperty("traceId").GetString(), Does.StartWith("Root=1-"));
        Assert.That(EmfAssert.Values(line, MetricNames.Commands), Is.EqualTo(new[] { 1.0 }));
        Assert.That(EmfAssert.Values(line, MetricNames.StoreAppendLatency), Is.EqualTo(new[] { 9.25 }));

        Assert.That(EmfAssert.DimensionSets(line, MetricNames.Commands), Is.EqualTo(new[]
        {
            new[] { "Service", "Command", "Outcome" },
            new[] { "Service", "Outcome" },
        }));
        Assert.That(EmfAssert.DimensionSets(line, MetricNames.StoreLoadLatency), Is.EqualTo(new[] { new[] { "Service" } }));
    }

    [Test]
    public void Aggregates_what_one_invocation_records_counts_summed_durations_as_samples()
    {
        using (_metrics.BeginInvocation(Context()))
        {
            _metrics.Count(MetricNames.PublishFailures);
            _metrics.Count(MetricNames.PublishFailures, 2);
            _metrics.Duration(MetricNames.ProjectionLag, TimeSpan.FromMilliseconds(120));
            _metrics.Duration(MetricNames.ProjectionLag, TimeSpan.FromMilliseconds(80));
            _metrics.Duration(MetricNames.ProjectionLag, TimeSpan.FromMilliseconds(95));
            _metrics.Count(MetricNames.BatchItemFailures, 0);
        }

        Assert.That(_output.Lines, Has.Count.EqualTo(1));
        using var line = JsonDocument.Parse(_output.Lines[0]);
        EmfAssert.IsValid(line);
        Assert.That(EmfAssert.Values(line, MetricNames.PublishFailures), Is.EqualTo(new[] { 3.0 }));
        Assert.That(EmfAssert.Values(line, MetricNames.ProjectionLag), Is.EqualTo(new[] { 120.0, 80.0, 95.0 }));
        Assert.That(EmfAssert.Values(line, MetricNames.BatchItemFailures), Is.EqualTo(new[] { 0.0 }), "a recorded zero is still written");
        Assert.That(line.RootElement.TryGetProperty("Command", out _), Is.False);
    }

    [Test]
    public void A_second_command_outcome_in_one_invocation_gets_a_line_of_its_own()
    {
        using (_metrics.BeginInvocation(Context()))
        {
            _metrics.Count(MetricNames.Commands, 1, MetricDimensions.ForCommand("UpdateOrg", Outcomes.PreconditionFailed));
            _metrics.Count(MetricNames.Commands, 1, MetricDimensions.ForCommand("UpdateOrg", Outcomes.Ok));
            _metrics.Count(MetricNames.Commands, 1, MetricDimensions.ForCommand("UpdateOrg", Outcomes.Ok));
            _metrics.Duration(MetricNames.StoreLoadLatency, TimeSpan.FromMilliseconds(5));
        }

        var lines = _output.Documents();
        try
        {
            Assert.That(lines, Has.Length.EqualTo(2));
            foreach (var line in lines)
            {
                EmfAssert.IsValid(line);
                Assert.That(line.RootElement.GetProperty("requestId").GetString(), Is.EqualTo("req-1"));
            }

            var byOutcome = lines.ToDictionary(l => l.RootElement.GetProperty("Outcome").GetString()!, l => EmfAssert.Values(l, MetricNames.Commands)[0]);
            Assert.That(byOutcome, Is.EquivalentTo(new Dictionary<string, double> { ["precondition_failed"] = 1, ["ok"] = 2 }));
            Assert.That(lines.Count(l => l.RootElement.TryGetProperty(MetricNames.StoreLoadLatency, out _)), Is.EqualTo(1),
                "a metric without command dimensions is written once");
        }
        finally
        {
            Array.ForEach(lines, l => l.Dispose());
        }
    }

    [Test]
    public void More_than_100_samples_continue_on_another_line()
    {
        using (_metrics.BeginInvocation(Context()))
        {
            for (var i = 0; i < 150; i++)
            {
                _metrics.Duration(MetricNames.ProjectionLag, TimeSpan.FromMilliseconds(i));
            }
        }

        var lines = _output.Documents();
        try
        {
            Assert.That(lines, Has.Length.EqualTo(2));
            Array.ForEach(lines, l => EmfAssert.IsValid(l));
            var samples = lines.SelectMany(l => EmfAssert.Values(l, MetricNames.ProjectionLag)).ToArray();
            Assert.That(samples, Is.EqualTo(Enumerable.Range(0, 150).Select(i => (double)i).ToArray()));
        }
        finally
        {
            Array.ForEach(lines, l => l.Dispose());
        }
    }

    [Test]
    public void A_value_recorded_outside_any_invocation_is_written_at_once()
    {
        _metrics.Duration(MetricNames.ColdStartInitDuration, TimeSpan.FromMilliseconds(180));

        Assert.That(_output.Lines, Has.Count.EqualTo(1));
        using var line = JsonDocument.Parse(_output.Lines[0]);
        Assert.That(EmfAssert.IsValid(line), Does.ContainKey(MetricNames.ColdStartInitDuration));
        Assert.That(line.RootElement.TryGetProperty("requestId", out _), Is.False);
    }

    [Test]
    public void A_value_recorded_after_its_invocation_ended_is_written_alone()
    {
        var invocation = _metrics.BeginInvocation(Context());
        _metrics.Count(MetricNames.PublishFailures);
        invocation.Dispose();
        _metrics.Count(MetricNames.PublishFailures);

        Assert.That(_output.Lines, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Invocations_in_separate_async_flows_keep_their_values_apart()
    {
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;

        async Task RunAsync(string requestId, int failures)
        {
            await Task.Yield();
            using (_metrics.BeginInvocation(Context(requestId)))
            {
                if (Interlocked.Increment(ref started) == 2)
                {
                    bothStarted.SetResult();
                }

                await bothStarted.Task;
                _metrics.Count(MetricNames.BatchItemFailures, failures);
            }
        }

        await Task.WhenAll(RunAsync("a", 1), RunAsync("b", 2));

        var lines = _output.Documents();
        try
        {
            var byRequest = lines.ToDictionary(l => l.RootElement.GetProperty("requestId").GetString()!, l => EmfAssert.Values(l, MetricNames.BatchItemFailures)[0]);
            Assert.That(byRequest, Is.EquivalentTo(new Dictionary<string, double> { ["a"] = 1, ["b"] = 2 }));
        }
        finally
        {
            Array.ForEach(lines, l => l.Dispose());
        }
    }

    [Test]
    public void A_negative_duration_counts_as_zero_and_a_non_ASCII_dimension_value_is_left_out()
    {
        using (_metrics.BeginInvocation(Context()))
        {
            _metrics.Duration(MetricNames.ProjectionLag, TimeSpan.FromMilliseconds(-3));
            _metrics.Count(MetricNames.Commands, 1, MetricDimensions.ForCommand("Ünïcode", Outcomes.Ok));
        }

        using var line = JsonDocument.Parse(_output.Lines.Single());
        EmfAssert.IsValid(line);
        Assert.That(EmfAssert.Values(line, MetricNames.ProjectionLag), Is.EqualTo(new[] { 0.0 }));
        Assert.That(line.RootElement.TryGetProperty("Command", out _), Is.False);
        Assert.That(EmfAssert.DimensionSets(line, MetricNames.Commands), Is.EqualTo(new[] { new[] { "Service", "Outcome" } }));
    }

    [Test]
    public void Without_a_function_name_the_service_dimension_is_the_default()
    {
        using var metrics = new EmfMetrics(_output, new FakeTimeProvider(Now), service: null);
        metrics.Count(MetricNames.CommitsSwept, 4);

        using var line = JsonDocument.Parse(_output.Lines.Single());
        Assert.That(line.RootElement.GetProperty("Service").GetString(), Is.EqualTo(EmfMetrics.DefaultService));
    }
}
