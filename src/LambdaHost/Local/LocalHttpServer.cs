using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Lambda.Events;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>
/// Local mode's HTTP front: each request becomes the HTTP API (payload 2.0) event that API Gateway
/// would send, goes through <see cref="Function.HandleAsync"/>, and the function's response is
/// written back. Built on <see cref="HttpListener"/> so the Lambda bootstrap carries no web framework.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    public static readonly Uri DefaultUrl = new("http://127.0.0.1:5080");

    /// <summary>The most one Lambda invocation can carry; larger requests never reach a function in AWS either.</summary>
    public const int MaxRequestBytes = 6 * 1024 * 1024;

    /// <summary>API Gateway's integration timeout.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private const int MaxConcurrentRequests = 256;

    private readonly HttpListener _listener = new();
    private readonly Function _function;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _slots = new(MaxConcurrentRequests, MaxConcurrentRequests);

    public LocalHttpServer(Uri url, Function function, ILogger<LocalHttpServer> logger, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query))
        {
            throw new ArgumentException($"The local server listens on a plain http://host:port URL, not '{url}'.", nameof(url));
        }

        Url = url;
        _function = function;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        var host = url.Host is "0.0.0.0" or "[::]" ? "+" : url.Host;
        _listener.Prefixes.Add($"http://{host}:{url.Port}/");
    }

    public Uri Url { get; }

    /// <summary>Binds the address; throws <see cref="HttpListenerException"/> when it is taken.</summary>
    public void Start()
    {
        if (!_listener.IsListening)
        {
            _listener.Start();
        }
    }

    /// <summary>
    /// Serves until <paramref name="cancellationToken"/> is cancelled, then stops accepting, lets the
    /// requests in flight finish and releases the address.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Start();
        var inFlight = new HashSet<Task>();
        var stopped = Task.Delay(Timeout.Infinite, cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var accept = _listener.GetContextAsync();
                if (await Task.WhenAny(accept, stopped) == stopped)
                {
                    // Stopping the listener faults the pending accept; nobody waits for it any more.
                    _ = accept.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    break;
                }

                HttpListenerContext context;
                try
                {
                    context = await accept;
                }
                catch (HttpListenerException ex)
                {
                    _logger.LogWarning("Accepting a connection failed: {Reason}", ex.Message);
                    continue;
                }

                await _slots.WaitAsync(CancellationToken.None);
                var serving = ServeAndReleaseAsync(context);
                lock (inFlight)
                {
                    inFlight.Add(serving);
                }

                _ = serving.ContinueWith(
                    done =>
                    {
                        lock (inFlight)
                        {
                            inFlight.Remove(done);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        finally
        {
            Task[] pending;
            lock (inFlight)
            {
                pending = [.. inFlight];
            }

            await Task.WhenAll(pending);
            _listener.Stop();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _slots.Dispose();
    }

    private async Task ServeAndReleaseAsync(HttpListenerContext context)
    {
        try
        {
            await ServeAsync(context);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var requestId = NewRequestId();
        try
        {
            var body = await ReadBodyAsync(context.Request);
            HttpApiResponse response;
            if (body is null)
            {
                response = ApiGatewayMapping.ToHttpApi(Problems.PayloadTooLarge(MaxRequestBytes));
            }
            else
            {
                var now = _clock.GetUtcNow();
                var @event = ToHttpApiEvent(context.Request, body, requestId, now);
                using var timeout = new CancellationTokenSource(RequestTimeout, _clock);
                var raw = await _function.HandleAsync(
                    JsonSerializer.SerializeToUtf8Bytes(@event, LambdaJson.Context.HttpApiRequest),
                    new InvocationContext(requestId, now + RequestTimeout),
                    timeout.Token);
                response = JsonSerializer.Deserialize(raw, LambdaJson.Context.HttpApiResponse)
                    ?? throw new InvalidOperationException("The function answered an HTTP API event with null.");
            }

            await WriteAsync(context.Response, response);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            _logger.LogInformation("Request {RequestId}: the client went away ({Reason})", requestId, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Request {RequestId} failed in the local server", requestId);
            try
            {
                await WriteAsync(context.Response, ApiGatewayMapping.ToHttpApi(Problems.Internal(requestId)));
            }
            catch (Exception writeError) when (writeError is HttpListenerException or IOException or InvalidOperationException or ObjectDisposedException)
            {
                _logger.LogInformation("Request {RequestId}: the error response could not be written either", requestId);
            }
        }
    }

    /// <summary>
    /// The event API Gateway would send for this request: raw path and query, lower-cased headers
    /// (repeated ones joined by commas), cookies apart, the body as text when it is UTF-8 and
    /// base64 otherwise.
    /// </summary>
    public static HttpApiRequest ToHttpApiEvent(HttpListenerRequest request, byte[] body, string requestId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.RawUrl is { Length: > 0 } raw && raw[0] == '/' ? raw : request.Url?.PathAndQuery ?? "/";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = question < 0 ? target : target[..question];
        var rawQuery = question < 0 ? string.Empty : target[(question + 1)..];

        var headers = new Dictionary<string, string?>(StringComparer.Ordinal);
        List<string>? cookies = null;
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is null || request.Headers[name] is not { } value)
            {
                continue;
            }

            var lower = name.ToLowerInvariant();
            if (lower == "cookie")
            {
                cookies = [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                continue;
            }

            headers[lower] = value;
        }

        var query = ApiGatewayMapping.ParseQuery(rawQuery);
        var textBody = Utf8.IsValid(body);
        var host = request.UserHostName ?? "localhost";
        return new HttpApiRequest
        {
            Version = "2.0",
            RouteKey = "$default",
            RawPath = rawPath,
            RawQueryString = rawQuery,
            Cookies = cookies,
            Headers = headers,
            QueryStringParameters = query.Count == 0
                ? null
                : query.ToDictionary(p => p.Key, p => (string?)string.Join(",", p.Value), StringComparer.Ordinal),
            RequestContext = new HttpApiRequestContext
            {
                AccountId = "local",
                ApiId = "local",
                DomainName = host,
                DomainPrefix = host.Split('.', ':')[0],
                Http = new HttpApiRequestHttp
                {
                    Method = request.HttpMethod,
                    Path = rawPath,
                    Protocol = "HTTP/" + request.ProtocolVersion.ToString(2),
                    SourceIp = request.RemoteEndPoint?.Address.ToString(),
                    UserAgent = request.UserAgent,
                },
                RequestId = requestId,
                RouteKey = "$default",
                Stage = "$default",
                Time = now.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
                TimeEpoch = now.ToUnixTimeMilliseconds(),
            },
            Body = body.Length == 0 ? null : textBody ? Encoding.UTF8.GetString(body) : Convert.ToBase64String(body),
            IsBase64Encoded = body.Length > 0 && !textBody,
        };
    }

    /// <summary>The body, or null when it is larger than <see cref="MaxRequestBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpListenerRequest request)
    {
        if (!request.HasEntityBody)
        {
            return [];
        }

        if (request.ContentLength64 > MaxRequestBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.InputStream.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > MaxRequestBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task WriteAsync(HttpListenerResponse response, HttpApiResponse answer)
    {
        response.StatusCode = answer.StatusCode;
        foreach (var (name, value) in answer.Headers ?? [])
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.ContentType = value;
            }
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                     && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers[name] = value;
            }
        }

        foreach (var cookie in answer.Cookies ?? [])
        {
            response.AppendHeader("Set-Cookie", cookie);
        }

        var body = answer.Body is null ? []
            : answer.IsBase64Encoded ? Convert.FromBase64String(answer.Body)
            : Encoding.UTF8.GetBytes(answer.Body);
        response.ContentLength64 = body.Length;
        if (body.Length > 0)
        {
            await response.OutputStream.WriteAsync(body);
        }

        response.Close();
    }

    private static string NewRequestId() => Guid.NewGuid().ToString("N");
}
