using System.Buffers;
using System.Text.Json;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.LambdaHost.Logging;

namespace CleanCqrs.LambdaHost.Observability;

/// <summary>
/// The budget metric as its own EMF line, written at once: <c>OtpBudgetExhausted</c> (count) with the
/// dimension <c>Budget</c> (<c>sms</c> or <c>email</c>), alone and with <c>Service</c>, which is what the
/// template's alarm watches. Its own line because the shared metrics carry only command dimensions.
/// </summary>
public sealed class EmfBudgetAlarm(IJsonLineWriter output, TimeProvider clock, string? service = null, string? metricsNamespace = null)
    : IBudgetAlarm
{
    public const string BudgetDimension = "Budget";

    private readonly string _service = string.IsNullOrWhiteSpace(service) ? EmfMetrics.DefaultService : service;
    private readonly string _namespace = string.IsNullOrWhiteSpace(metricsNamespace) ? EmfMetrics.Namespace : metricsNamespace;
    private readonly Lock _gate = new();

    public void Exhausted(string budget)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", clock.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", _namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue(BudgetDimension);
            json.WriteEndArray();
            json.WriteStartArray();
            json.WriteStringValue(EmfMetrics.ServiceDimension);
            json.WriteStringValue(BudgetDimension);
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            json.WriteStartObject();
            json.WriteString("Name", MetricNames.OtpBudgetExhausted);
            json.WriteString("Unit", EmfMetrics.CountUnit);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString(EmfMetrics.ServiceDimension, _service);
            json.WriteString(BudgetDimension, budget);
            json.WriteNumber(MetricNames.OtpBudgetExhausted, 1);
            json.WriteEndObject();
        }

        lock (_gate)
        {
            try
            {
                output.WriteLine(buffer.WrittenSpan);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Best effort, like every metric: a log that cannot be written must not fail the request.
            }
        }
    }
}

/// <summary>Where no EMF is written (local mode): the refusal's warning line is the signal.</summary>
public sealed class NoBudgetAlarm : IBudgetAlarm
{
    public static readonly NoBudgetAlarm Instance = new();

    public void Exhausted(string budget)
    {
    }
}
