using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Lambda.Events;
using CleanCqrs.LambdaHost.Logging;
using CleanCqrs.LambdaHost.Messaging;
using CleanCqrs.LambdaHost.Observability;
using CleanCqrs.LambdaHost.Scheduling;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost;

/// <summary>
/// The single function entry, in Lambda and locally: recognises the event by its shape and answers
/// in the matching format. API Gateway REST (v1) and HTTP API (v2) requests go to the HTTP API, SQS
/// batches to the consumer, scheduled events to the outbox sweep. Anything else is an
/// <see cref="UnsupportedEventException"/>; JSON that is not an event, an <see cref="InvalidEventException"/>.
/// </summary>
public sealed class Function(
    HttpApi http,
    SqsConsumer consumer,
    ScheduledSweep sweep,
    ILogger<Function> logger,
    IInvocationMetrics metrics,
    AccessLog accessLog)
{
    private static readonly JsonDocumentOptions EventOptions = new() { MaxDepth = 64 };

    private static LambdaEventsJsonContext Json => LambdaJson.Context;

    public async ValueTask<byte[]> HandleAsync(ReadOnlyMemory<byte> rawEvent, InvocationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Disposed last, so the invocation's metrics are written before the response is returned.
        using var invocationMetrics = metrics.BeginInvocation(context);
        // Key-value pairs are the scope shape loggers read; an array of two costs a fraction of a dictionary.
        using var scope = logger.BeginScope<KeyValuePair<string, object?>[]>(
            [new("AwsRequestId", context.RequestId), new("TraceId", context.TraceId)]);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(rawEvent, EventOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException("The event is not valid JSON.", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            switch (EventClassifier.Classify(root))
            {
                case EventKind.HttpApi:
                {
                    var request = ApiGatewayMapping.FromHttpApi(Read(root, Json.HttpApiRequest, "HTTP API"), context.RequestId);
                    var response = await HandleHttpAsync(request, cancellationToken);
                    return JsonSerializer.SerializeToUtf8Bytes(ApiGatewayMapping.ToHttpApi(response), Json.HttpApiResponse);
                }

                case EventKind.RestApi:
                {
                    var request = ApiGatewayMapping.FromRestApi(Read(root, Json.ApiGatewayProxyRequest, "REST API"), context.RequestId);
                    var response = await HandleHttpAsync(request, cancellationToken);
                    return JsonSerializer.SerializeToUtf8Bytes(ApiGatewayMapping.ToRestApi(response), Json.ApiGatewayProxyResponse);
                }

                case EventKind.Sqs:
                {
                    var result = await consumer.HandleAsync(Read(root, Json.SqsEvent, "SQS"), cancellationToken);
                    return JsonSerializer.SerializeToUtf8Bytes(result, Json.SqsBatchResponse);
                }

                case EventKind.Scheduled:
                {
                    var report = await sweep.HandleAsync(Read(root, Json.ScheduledEvent, "scheduled"), cancellationToken);
                    return JsonSerializer.SerializeToUtf8Bytes(report, Json.SweepReport);
                }

                default:
                    throw new UnsupportedEventException(DescribeUnsupported(root));
            }
        }
    }

    /// <summary>The HTTP API behind the access log: one line per request, refusals before the pipeline included.</summary>
    private async ValueTask<HttpResponseData> HandleHttpAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Matched once, here: the API dispatches on it and the access log names its template.
        var route = Routes.Match(request.Method, request.Path);
        try
        {
            var response = await http.HandleAsync(request, route, cancellationToken);
            accessLog.Write(request, route, response.StatusCode, Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (Exception)
        {
            // The invocation fails as a whole; API Gateway answers 500 for it.
            accessLog.Write(request, route, 500, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    private static T Read<T>(JsonElement root, JsonTypeInfo<T> typeInfo, string kind)
    {
        try
        {
            return root.Deserialize(typeInfo) ?? throw new InvalidEventException($"The {kind} event is null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"The {kind} event is malformed at {ex.Path ?? "$"}.", ex);
        }
    }

    private static string DescribeUnsupported(JsonElement root)
    {
        const string accepted = "The function accepts API Gateway REST (v1) and HTTP API (v2) proxy events, SQS batches and EventBridge scheduled events";
        if (root.ValueKind != JsonValueKind.Object)
        {
            return $"{accepted}; this event is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object.";
        }

        var members = root.EnumerateObject().Select(p => p.Name).Take(8).ToArray();
        return members.Length == 0
            ? $"{accepted}; this event is an empty object."
            : $"{accepted}; this event is none of them (members: {string.Join(", ", members)}).";
    }
}
