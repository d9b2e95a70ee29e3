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
