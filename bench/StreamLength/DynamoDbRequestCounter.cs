using System.Collections.Concurrent;
using Amazon.Runtime;

namespace CleanCqrs.Bench.StreamLength;

/// <summary>
/// Counts the HTTP requests a DynamoDB client sends, by operation (the <c>X-Amz-Target</c> header,
/// <c>DynamoDB_20120810.Query</c>): what the wire sees, SDK retries included.
/// </summary>
public sealed class DynamoDbRequestCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>The counts so far, and zero from here on.</summary>
    public IReadOnlyDictionary<string, int> Take()
    {
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var operation in _counts.Keys)
        {
            if (_counts.TryRemove(operation, out var count))
            {
                taken[operation] = count;
            }
        }

        return taken;
    }

    /// <summary>For <c>AmazonDynamoDBConfig.HttpClientFactory</c>.</summary>
    public HttpClientFactory ClientFactory() => new CountingClientFactory(this);

    private void Count(HttpRequestMessage request)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.FirstOrDefault()
            : request.Content?.Headers.TryGetValues("X-Amz-Target", out var contentValues) == true ? contentValues.FirstOrDefault()
            : null;
        var operation = target is null ? "(no X-Amz-Target)" : target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..];
        _counts.AddOrUpdate(operation, 1, (_, count) => count + 1);
    }

    private sealed class CountingClientFactory(DynamoDbRequestCounter counter) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new CountingHandler(counter, new SocketsHttpHandler()), disposeHandler: true);
    }

    private sealed class CountingHandler(DynamoDbRequestCounter counter, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Count(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
