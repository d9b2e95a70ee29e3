using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CleanCqrs.LambdaHost.Lambda.Events;

/// <summary>What the function reports to the Runtime API when an invocation fails.</summary>
public sealed record LambdaError(string ErrorType, string ErrorMessage);

/// <summary>The outcome of a scheduled outbox sweep, returned to the scheduler.</summary>
public sealed record SweepReport(int Published, int Failed);

/// <summary>
/// Source-generated JSON for every Lambda event and response this function reads or writes (no
/// reflection: Native AOT). Absent members stay absent, as AWS sends and expects them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(ApiGatewayProxyRequest))]
[JsonSerializable(typeof(ApiGatewayProxyResponse))]
[JsonSerializable(typeof(HttpApiRequest))]
[JsonSerializable(typeof(HttpApiResponse))]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
[JsonSerializable(typeof(SnsNotification))]
[JsonSerializable(typeof(ScheduledEvent))]
[JsonSerializable(typeof(LambdaError))]
[JsonSerializable(typeof(SweepReport))]
public sealed partial class LambdaEventsJsonContext : JsonSerializerContext;

/// <summary>The Lambda events' JSON: <see cref="LambdaEventsJsonContext"/> writing text as it is.</summary>
public static class LambdaJson
{
    /// <summary>
    /// The readers are AWS services, not browsers: HTML-safe escaping would only triple the size of
    /// every quote in an embedded body (<c>\u0022</c>) and hide non-ASCII text in the logs.
    /// </summary>
    public static LambdaEventsJsonContext Context { get; } = new(
        new JsonSerializerOptions(LambdaEventsJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
