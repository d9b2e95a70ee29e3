using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;

namespace CleanCqrs.Bench.Capacity;

/// <summary>One DynamoDB request as the wire saw it, with the capacity the server reported for it.</summary>
public sealed record RecordedRequest(
    string Label,
    string Operation,
    string? Table,
    string? Index,
    bool Succeeded,
    JsonObject Request,
    double ReportedUnits,
    double ReportedTableUnits,
    IReadOnlyDictionary<string, double> ReportedIndexUnits);

/// <summary>
/// Sits between the service's DynamoDB client and the server: asks for <c>ReturnConsumedCapacity:
/// INDEXES</c> on every request that takes it (the store itself never asks), records the request and
/// the capacity the server reports, and hands the response back unchanged. dynalite does not check
/// signatures, so the rewritten body is accepted; against AWS this would break SigV4 and is never used.
/// </summary>
public sealed class DynamoDbRecorder
{
    private static readonly HashSet<string> TakesConsumedCapacity = new(StringComparer.Ordinal)
    {
        "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
    };

    private static readonly AsyncLocal<string?> CurrentLabel = new();

    private readonly ConcurrentQueue<RecordedRequest> _recorded = new();

    /// <summary>Requests sent until the scope ends are recorded under <paramref name="label"/>.</summary>
    public static IDisposable Label(string label)
    {
        var previous = CurrentLabel.Value;
        CurrentLabel.Value = label;
        return new Restore(previous);
    }

    public IReadOnlyList<RecordedRequest> Take()
    {
        var taken = new List<RecordedRequest>();
        while (_recorded.TryDequeue(out var request))
        {
            taken.Add(request);
        }

        return taken;
    }

    /// <summary>For <c>AmazonDynamoDBConfig.HttpClientFactory</c>.</summary>
    public HttpClientFactory ClientFactory() => new RecordingClientFactory(this);

    private async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.FirstOrDefault() : null;
        var operation = target is null ? "(none)" : target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var body = request.Content is null ? "{}" : await request.Content.ReadAsStringAsync(cancellationToken);
        var json = JsonNode.Parse(body) as JsonObject ?? [];
        if (TakesConsumedCapacity.Contains(operation))
        {
            json["ReturnConsumedCapacity"] = "INDEXES";
            var mediaType = request.Content?.Headers.ContentType?.MediaType ?? "application/x-amz-json-1.0";
            request.Content = new StringContent(json.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        var response = await send(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var replaced = new ByteArrayContent(bytes);
        foreach (var header in response.Content.Headers)
        {
            replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = replaced;
        var (units, tableUnits, indexUnits) = Consumed(bytes);
        _recorded.Enqueue(new RecordedRequest(
            CurrentLabel.Value ?? "(unlabelled)",
            operation,
            (string?)json["TableName"],
            (string?)json["IndexName"],
            response.IsSuccessStatusCode,
            json,
            units,
            tableUnits,
            indexUnits));
        return response;
    }

    private static (double Units, double TableUnits, Dictionary<string, double> IndexUnits) Consumed(byte[] body)
    {
        var indexUnits = new Dictionary<string, double>(StringComparer.Ordinal);
        if (body.Length == 0 || JsonNode.Parse(body) is not JsonObject response || response["ConsumedCapacity"] is not JsonObject consumed)
        {
            return (0, 0, indexUnits);
        }

        foreach (var kind in new[] { "GlobalSecondaryIndexes", "LocalSecondaryIndexes" })
        {
            if (consumed[kind] is JsonObject indexes)
            {
                foreach (var (name, value) in indexes)
                {
                    indexUnits[name] = (double?)value?["CapacityUnits"] ?? 0;
                }
            }
        }

        return ((double?)consumed["CapacityUnits"] ?? 0, (double?)consumed["Table"]?["CapacityUnits"] ?? 0, indexUnits);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => CurrentLabel.Value = previous;
    }

    private sealed class RecordingClientFactory(DynamoDbRecorder recorder) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new RecordingHandler(recorder, new SocketsHttpHandler()), disposeHandler: true);
    }

    private sealed class RecordingHandler(DynamoDbRecorder recorder, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            recorder.SendAsync(request, base.SendAsync, cancellationToken);
    }
}
