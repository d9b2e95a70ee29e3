using System.Buffers;
using System.Text.Json;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Logging;

namespace CleanCqrs.LambdaHost.Observability;

/// <summary>
/// Metrics as CloudWatch embedded metric format (EMF) lines on the function's log: CloudWatch Logs
/// turns them into metrics, so publishing costs no API call and no time in the invocation.
/// </summary>
/// <remarks>
/// Values recorded during an invocation are aggregated (counts summed, durations kept as samples)
/// and written as one line when it ends. An EMF document holds one value per dimension key, so an
/// invocation that ran commands of two types or outcomes writes one more line per extra pair, and a
/// duration with more than <see cref="MaxValuesPerMetric"/> samples continues on further lines.
/// Values recorded outside an invocation (start-up) are written at once.
/// </remarks>
public sealed class EmfMetrics : IMetrics, IInvocationMetrics, IDisposable
{
    /// <summary>The namespace when none is configured (<c>METRICS_NAMESPACE</c>).</summary>
    public const string Namespace = "CleanCqrs";
    public const string ServiceDimension = "Service";
    public const string CommandDimension = "Command";
    public const string OutcomeDimension = "Outcome";
    public const string CountUnit = "Count";
    public const string MillisecondsUnit = "Milliseconds";
    public const string RequestIdMember = "requestId";
    public const string TraceIdMember = "traceId";

    /// <summary>The <c>Service</c> dimension when the host names none (Lambda sets <c>AWS_LAMBDA_FUNCTION_NAME</c>).</summary>
    public const string DefaultService = "cleancqrs";

    /// <summary>The EMF limit on the values of one metric in one document.</summary>
    public const int MaxValuesPerMetric = 100;

    /// <summary>The EMF limit on the metric definitions of one directive.</summary>
    public const int MaxMetricsPerDocument = 100;

    private const int MaxDimensionValueLength = 1024;

    private static readonly DimensionShape[] Shapes =
        [DimensionShape.None, DimensionShape.Command, DimensionShape.Outcome, DimensionShape.CommandAndOutcome];

    private readonly IJsonLineWriter _output;
    private readonly TimeProvider _clock;
    private readonly string _service;
    private readonly string _namespace;
    private readonly AsyncLocal<Invocation?> _current = new();
    private readonly Lock _writeGate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(2048);
    private readonly Utf8JsonWriter _json;

    public EmfMetrics(IJsonLineWriter output, TimeProvider clock, string? service = null, string? metricsNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(clock);
        _output = output;
        _clock = clock;
        _service = IsDimensionValue(service) ? service! : DefaultService;
        _namespace = string.IsNullOrWhiteSpace(metricsNamespace) ? Namespace : metricsNamespace;
        _json = new Utf8JsonWriter(_buffer);
    }

    public void Count(string metric, double value = 1, MetricDimensions dimensions = default)
    {
        if (double.IsFinite(value))
        {
            Record(metric, MetricKind.Count, value, dimensions);
        }
    }

    public void Duration(string metric, TimeSpan elapsed, MetricDimensions dimensions = default) =>
        // Clocks of different machines disagree a little; a negative lag means "none".
        Record(metric, MetricKind.Duration, Math.Max(0, Math.Round(elapsed.TotalMilliseconds, 3)), dimensions);

    public IDisposable BeginInvocation(InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var invocation = new Invocation(this, context.RequestId, context.TraceId, _current.Value);
        _current.Value = invocation;
        return invocation;
    }

    public void Dispose() => _json.Dispose();

    private void Record(string metric, MetricKind kind, double value, MetricDimensions dimensions)
    {
        if (string.IsNullOrEmpty(metric))
        {
            return;
        }

        var clean = new MetricDimensions(
            IsDimensionValue(dimensions.Command) ? dimensions.Command : null,
            IsDimensionValue(dimensions.Outcome) ? dimensions.Outcome : null);
        if (_current.Value is { } invocation && invocation.TryAdd(metric, kind, value, clean))
        {
            return;
        }

        var alone = new Invocation(this, null, null, null);
        alone.TryAdd(metric, kind, value, clean);
        alone.Dispose();
    }

    private void Complete(Invocation invocation, IReadOnlyList<Series> series)
    {
        if (ReferenceEquals(_current.Value, invocation))
        {
            _current.Value = invocation.Previous;
        }

        if (series.Count == 0)
        {
            return;
        }

        var timestamp = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var document in Pack(series))
        {
            Write(document, timestamp, invocation.RequestId, invocation.TraceId);
        }
    }

    /// <summary>Fills as few documents as the one-value-per-key rule and the EMF limits allow.</summary>
    private static List<Document> Pack(IReadOnlyList<Series> series)
    {
        var documents = new List<Document>(1);
        foreach (var item in series)
        {
            var parts = item.Kind == MetricKind.Count ? 1 : (item.Samples.Count + MaxValuesPerMetric - 1) / MaxValuesPerMetric;
            for (var part = 0; part < parts; part++)
            {
                var fragment = new Fragment(item, part * MaxValuesPerMetric);
                var target = documents.Find(d => d.Accepts(fragment));
                if (target is null)
                {
                    target = new Document();
                    documents.Add(target);
                }

                target.Add(fragment);
            }
        }

        return documents;
    }

    private void Write(Document document, long timestamp, string? requestId, string? traceId)
    {
        lock (_writeGate)
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteStartObject("_aws");
            _json.WriteNumber("Timestamp", timestamp);
            _json.WriteStartArray("CloudWatchMetrics");
            foreach (var shape in Shapes)
            {
                if (document.Fragments.Exists(f => f.Series.Shape == shape))
                {
                    WriteDirective(document, shape);
                }
            }

            _json.WriteEndArray();
            _json.WriteEndObject();

            _json.WriteString(ServiceDimension, _service);
            if (document.Command is { } command)
            {
                _json.WriteString(CommandDimension, command);
            }

            if (document.Outcome is { } outcome)
            {
                _json.WriteString(OutcomeDimension, outcome);
            }

            foreach (var fragment in document.Fragments)
            {
                WriteValue(fragment);
            }

            if (requestId is not null)
            {
                _json.WriteString(RequestIdMember, requestId);
            }

            if (traceId is not null)
            {
                _json.WriteString(TraceIdMember, traceId);
            }

            _json.WriteEndObject();
            _json.Flush();
            try
            {
                _output.WriteLine(_buffer.WrittenSpan);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Metrics are best effort: a log that cannot be written must not fail the invocation.
            }
        }
    }

    private void WriteDirective(Document document, DimensionShape shape)
    {
        _json.WriteStartObject();
        _json.WriteString("Namespace", _namespace);
        _json.WriteStartArray("Dimensions");
        switch (shape)
        {
            case DimensionShape.None:
                WriteDimensionSet(ServiceDimension);
                break;
            case DimensionShape.Command:
                WriteDimensionSet(ServiceDimension, CommandDimension);
                break;
            case DimensionShape.Outcome:
                WriteDimensionSet(ServiceDimension, OutcomeDimension);
                break;
            case DimensionShape.CommandAndOutcome:
                WriteDimensionSet(ServiceDimension, CommandDimension, OutcomeDimension);
                // Rolled up over command types, for one alarm on every command's errors.
                WriteDimensionSet(ServiceDimension, OutcomeDimension);
                break;
        }

        _json.WriteEndArray();
        _json.WriteStartArray("Metrics");
        foreach (var fragment in document.Fragments)
        {
            if (fragment.Series.Shape != shape)
            {
                continue;
            }

            _json.WriteStartObject();
            _json.WriteString("Name", fragment.Series.Name);
            _json.WriteString("Unit", fragment.Series.Kind == MetricKind.Count ? CountUnit : MillisecondsUnit);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    private void WriteDimensionSet(params ReadOnlySpan<string> keys)
    {
        _json.WriteStartArray();
        foreach (var key in keys)
        {
            _json.WriteStringValue(key);
        }

        _json.WriteEndArray();
    }

    private void WriteValue(Fragment fragment)
    {
        var series = fragment.Series;
        if (series.Kind == MetricKind.Count)
        {
            _json.WriteNumber(series.Name, series.Sum);
            return;
        }

        var count = Math.Min(MaxValuesPerMetric, series.Samples.Count - fragment.Offset);
        if (count == 1)
        {
            _json.WriteNumber(series.Name, series.Samples[fragment.Offset]);
            return;
        }

        _json.WriteStartArray(series.Name);
        for (var i = fragment.Offset; i < fragment.Offset + count; i++)
        {
            _json.WriteNumberValue(series.Samples[i]);
        }

        _json.WriteEndArray();
    }

    /// <summary>CloudWatch's rule for dimension values: 1 to 1024 printable ASCII characters, not all blank.</summary>
    private static bool IsDimensionValue(string? value) =>
        value is { Length: > 0 and <= MaxDimensionValueLength }
        && !value.AsSpan().ContainsAnyExceptInRange(' ', '~')
        && !string.IsNullOrWhiteSpace(value);

    private enum MetricKind
    {
        Count,
        Duration,
    }

    private enum DimensionShape
    {
        None,
        Command,
        Outcome,
        CommandAndOutcome,
    }

    /// <summary>One metric under one set of dimension values: a running sum or the samples.</summary>
    private sealed class Series(string name, MetricKind kind, MetricDimensions dimensions)
    {
        public string Name { get; } = name;

        public MetricKind Kind { get; } = kind;

        public MetricDimensions Dimensions { get; } = dimensions;

        public DimensionShape Shape { get; } = (dimensions.Command, dimensions.Outcome) switch
        {
            (null, null) => DimensionShape.None,
            (_, null) => DimensionShape.Command,
            (null, _) => DimensionShape.Outcome,
            _ => DimensionShape.CommandAndOutcome,
        };

        public double Sum { get; private set; }

        public List<double> Samples { get; } = [];

        public bool Matches(string name, MetricKind kind, MetricDimensions dimensions) =>
            Kind == kind && string.Equals(Name, name, StringComparison.Ordinal) && Dimensions == dimensions;

        public void Add(double value)
        {
            if (Kind == MetricKind.Count)
            {
                Sum += value;
            }
            else
            {
                Samples.Add(value);
            }
        }
    }

    /// <summary>A series, or the slice of its samples that fits one document.</summary>
    private readonly record struct Fragment(Series Series, int Offset);

    private sealed class Document
    {
        public List<Fragment> Fragments { get; } = [];

        public string? Command { get; private set; }

        public string? Outcome { get; private set; }

        public bool Accepts(Fragment fragment)
        {
            var dimensions = fragment.Series.Dimensions;
            return Fragments.Count < MaxMetricsPerDocument
                && Fits(Command, dimensions.Command)
                && Fits(Outcome, dimensions.Outcome)
                && !Fragments.Exists(f => string.Equals(f.Series.Name, fragment.Series.Name, StringComparison.Ordinal));
        }

        public void Add(Fragment fragment)
        {
            Fragments.Add(fragment);
            Command ??= fragment.Series.Dimensions.Command;
            Outcome ??= fragment.Series.Dimensions.Outcome;
        }

        private static bool Fits(string? held, string? wanted) =>
            wanted is null || held is null || string.Equals(held, wanted, StringComparison.Ordinal);
    }

    private sealed class Invocation(EmfMetrics owner, string? requestId, string? traceId, Invocation? previous) : IDisposable
    {
        private readonly List<Series> _series = [];
        private readonly Lock _gate = new();
        private bool _closed;

        public string? RequestId { get; } = requestId;

        public string? TraceId { get; } = traceId;

        public Invocation? Previous { get; } = previous;

        public bool TryAdd(string name, MetricKind kind, double value, MetricDimensions dimensions)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return false;
                }

                foreach (var existing in _series)
                {
                    if (existing.Matches(name, kind, dimensions))
                    {
                        existing.Add(value);
                        return true;
                    }
                }

                var series = new Series(name, kind, dimensions);
                series.Add(value);
                _series.Add(series);
                return true;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
            }

            owner.Complete(this, _series);
        }
    }
}
