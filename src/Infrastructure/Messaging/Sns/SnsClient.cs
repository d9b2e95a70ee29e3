using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;
using CleanCqrs.Application.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>
/// The SNS Query API over one pooled <see cref="HttpClient"/>: <c>Publish</c> and <c>PublishBatch</c>,
/// signed with SigV4 by AWSSDK.Core, retried with backoff on throttling, 5xx and transport failures.
/// The SNS SDK package is not available to this build, hence the hand-written protocol.
/// </summary>
public sealed class SnsClient : IDisposable
{
    public const int MaxBatchEntries = 10;

    /// <summary>The most a batch (all messages and attributes together) may carry.</summary>
    public const int MaxBatchPayloadBytes = 262_144;

    private const string SigningService = "sns";
    private const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";
    private const string TraceHeaderName = "X-Amzn-Trace-Id";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly RegionEndpoint _region;
    private readonly SnsRetryPolicy _retry;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _credentialsGate = new(1, 1);
    private AWSCredentials? _credentials;

    /// <param name="settings">Region, endpoint, attempts and per-attempt timeout.</param>
    /// <param name="credentials">Signing credentials; the SDK's default chain (environment, profile, container, instance) when null.</param>
    /// <param name="retry">Backoff between attempts; <see cref="SnsRetryPolicy.Default"/> with <see cref="SnsSettings.MaxAttempts"/> when null.</param>
    public SnsClient(SnsSettings settings, AWSCredentials? credentials = null, SnsRetryPolicy? retry = null, ILogger<SnsClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _endpoint = settings.Endpoint;
        _region = RegionEndpoint.GetBySystemName(settings.Region);
        _credentials = credentials;
        _retry = retry ?? SnsRetryPolicy.Default with { MaxAttempts = settings.MaxAttempts };
        _logger = logger ?? NullLogger<SnsClient>.Instance;

        // One client for the process: pooled connections are reused across invocations, and the
        // lifetime bound lets DNS changes of the endpoint be picked up.
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        })
        {
            Timeout = settings.RequestTimeout,
        };
    }

    /// <summary>Publishes one message to a topic or, with <see cref="SnsPublishRequest.PhoneNumber"/>, as an SMS.</summary>
    public async Task<SnsPublishResult> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.TopicArn is null) == (request.PhoneNumber is null))
        {
            throw new ArgumentException("Exactly one of TopicArn and PhoneNumber must be set.", nameof(request));
        }

        var query = new SnsQuery("Publish")
            .Add("TopicArn", request.TopicArn)
            .Add("PhoneNumber", request.PhoneNumber)
            .Add("Message", request.Message)
            .Add("Subject", request.Subject)
            .Add("MessageGroupId", request.MessageGroupId)
            .Add("MessageDeduplicationId", request.MessageDeduplicationId)
            .AddAttributes(string.Empty, request.Attributes);

        var (status, body) = await SendAsync(query, cancellationToken);
        return SnsXml.ReadPublish(body, status);
    }

    /// <summary>
    /// Publishes <paramref name="entries"/> in order, in as many <c>PublishBatch</c> calls as the
    /// limits need (10 entries, 256 KB), one after another. Throws <see cref="SnsBatchException"/>
    /// when SNS refuses any entry of a call; later calls are then not made.
    /// </summary>
    public async Task<IReadOnlyList<SnsBatchResultEntry>> PublishBatchAsync(
        string topicArn,
        IReadOnlyList<SnsBatchEntry> entries,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        ArgumentNullException.ThrowIfNull(entries);

        var published = new List<SnsBatchResultEntry>(entries.Count);
        foreach (var batch in Batches(entries))
        {
            var query = new SnsQuery("PublishBatch").Add("TopicArn", topicArn);
            for (var i = 0; i < batch.Count; i++)
            {
                var member = string.Create(CultureInfo.InvariantCulture, $"PublishBatchRequestEntries.member.{i + 1}.");
                query.Add(member + "Id", batch[i].Id)
                    .Add(member + "Message", batch[i].Message)
                    .Add(member + "MessageGroupId", batch[i].MessageGroupId)
                    .Add(member + "MessageDeduplicationId", batch[i].MessageDeduplicationId)
                    .AddAttributes(member, batch[i].Attributes);
            }

            var (status, body) = await SendAsync(query, cancellationToken);
            var (successful, failed, requestId) = SnsXml.ReadPublishBatch(body, status);
            var missing = batch
                .Where(e => !successful.Any(s => s.Id == e.Id) && !failed.Any(f => f.Id == e.Id))
                .Select(e => new SnsBatchFailure(e.Id, "MissingFromResponse", "SNS reported neither success nor failure", SenderFault: false));
            var refused = failed.Concat(missing).ToList();
            if (refused.Count > 0)
            {
                throw new SnsBatchException(refused, requestId);
            }

            published.AddRange(successful);
        }

        return published;
    }

    /// <summary>
    /// The first request's one-time work without sending anything: the credential chain and a SigV4
    /// signature of an empty body (hashing and HMAC set-up, the signer's code paths).
    /// </summary>
    public async ValueTask PrepareAsync()
    {
        using var request = await SignedRequestAsync([], CancellationToken.None);
    }

    public void Dispose()
    {
        _http.Dispose();
        _credentialsGate.Dispose();
    }

    /// <summary>Splits entries, keeping their order, into calls within the entry and payload limits.</summary>
    internal static IEnumerable<IReadOnlyList<SnsBatchEntry>> Batches(IReadOnlyList<SnsBatchEntry> entries)
    {
        var batch = new List<SnsBatchEntry>(MaxBatchEntries);
        var bytes = 0;
        foreach (var entry in entries)
        {
            var size = PayloadBytes(entry);
            if (batch.Count == MaxBatchEntries || (batch.Count > 0 && bytes + size > MaxBatchPayloadBytes))
            {
                yield return batch;
                batch = new List<SnsBatchEntry>(MaxBatchEntries);
                bytes = 0;
            }

            batch.Add(entry);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static int PayloadBytes(SnsBatchEntry entry) =>
        Encoding.UTF8.GetByteCount(entry.Message)
        + entry.Attributes.Sum(a => Encoding.UTF8.GetByteCount(a.Name) + Encoding.UTF8.GetByteCount(a.DataType) + Encoding.UTF8.GetByteCount(a.Value));

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(SnsQuery query, CancellationToken cancellationToken)
    {
        var body = query.ToFormBody();
        for (var attempt = 1; ; attempt++)
        {
            SnsException failure;
            try
            {
                using var request = await SignedRequestAsync(body, cancellationToken);
                using var response = await _http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return (response.StatusCode, text);
                }

                failure = SnsXml.ReadError(query.Action, response.StatusCode, text, response.ReasonPhrase);
            }
            catch (HttpRequestException ex)
            {
                failure = new SnsException(query.Action, "Transport", ex.Message, null, null, isRetryable: true, ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new SnsException(query.Action, "Timeout", $"no response within {_http.Timeout}", null, null, isRetryable: true, ex);
            }

            if (!failure.IsRetryable || attempt >= _retry.MaxAttempts)
            {
                throw failure;
            }

            var wait = _retry.Backoff.DelayFor(attempt, _retry.Random);
            _logger.LogWarning(
                "SNS {Action} attempt {Attempt} of {MaxAttempts} failed with {Code}; retrying in {DelayMs} ms",
                query.Action,
                attempt,
                _retry.MaxAttempts,
                failure.Code,
                (int)wait.TotalMilliseconds);
            await Backoff.WaitAsync(wait, _retry.Clock, cancellationToken);
        }
    }

    private async Task<HttpRequestMessage> SignedRequestAsync(byte[] body, CancellationToken cancellationToken)
    {
        var toSign = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = _endpoint, Content = body };
        toSign.Headers["Content-Type"] = FormContentType;
        var signed = await AWSSigV4Signer.SignAsync(
            toSign,
            new AWSSigV4Parameters { Credentials = await CredentialsAsync(), Region = _region, Service = SigningService },
            cancellationToken);

        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(FormContentType);
        if (TraceHeader() is { } trace)
        {
            request.Headers.TryAddWithoutValidation(TraceHeaderName, trace);
        }
        foreach (var (name, value) in signed.Headers)
        {
            if (!string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    /// <summary>
    /// The invocation's X-Ray header inside Lambda, as the AWS SDKs send it (their recursion detection):
    /// only with <c>AWS_LAMBDA_FUNCTION_NAME</c> and <c>_X_AMZN_TRACE_ID</c> set, the latter by the runtime loop.
    /// </summary>
    internal static string? TraceHeader() =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME"))
            ? null
            : Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID") is { Length: > 0 } trace ? trace : null;

    private async ValueTask<AWSCredentials> CredentialsAsync()
    {
        if (_credentials is { } known)
        {
            return known;
        }

        await _credentialsGate.WaitAsync();
        try
        {
            // The chain's result refreshes itself (container/instance roles), so it is resolved once.
            return _credentials ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null);
        }
        finally
        {
            _credentialsGate.Release();
        }
    }
}
