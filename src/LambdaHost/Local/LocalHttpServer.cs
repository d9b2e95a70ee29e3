using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Lambda.Events;
using CleanCqrs.LambdaHost.Logging;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>
/// Local mode's HTTP front, on Kestrel (no ASP.NET Core host, no middleware pipeline): each request
/// becomes the HTTP API (payload 2.0) event that API Gateway would send, goes through
/// <see cref="Function.HandleAsync"/>, and the function's response is written back. Kestrel brings
/// the robustness of the Lambda edge (SPEC 5.4): header and body timeouts, minimum data rates, a
/// connection limit, a body limit that refuses before reading, pipelining answered in order; every
/// reply, Kestrel's own refusals included (<see cref="RejectionRewriter"/>), is problem+json.
/// The Lambda bootstrap never reaches this type (<see cref="LocalServerFeature"/>, ADR 0022).
/// </summary>
public sealed class LocalHttpServer : IDisposable, IAsyncDisposable
{
    public static Uri DefaultUrl => HostOptions.DefaultUrl;

    private readonly Function _function;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly LocalServerLimits _limits;
    private readonly KestrelServer _server;
    private readonly ServiceProvider _kestrelServices;
    private bool _started;
    private bool _disposed;

    public LocalHttpServer(Uri url, Function function, ILoggerFactory loggerFactory, TimeProvider? clock = null, LocalServerLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query))
        {
            throw new ArgumentException($"The local server listens on a plain http://host:port URL, not '{url}'.", nameof(url));
        }

        Url = url;
        _function = function;
        _logger = loggerFactory.CreateLogger<LocalHttpServer>();
        _clock = clock ?? TimeProvider.System;
        _limits = limits ?? LocalServerLimits.Default;

        // Kestrel's own chatter (heartbeat warnings on a busy machine, connection resets) is not the
        // service's log; its errors are.
        var kestrelLogs = new QuietLoggerFactory(loggerFactory, LogLevel.Error);
        _kestrelServices = new ServiceCollection().AddSingleton<ILoggerFactory>(kestrelLogs).BuildServiceProvider();
        var options = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = _kestrelServices };
        Configure(options, url, _limits, _logger);
        _server = new KestrelServer(
            Options.Create(options),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), kestrelLogs),
            kestrelLogs);
    }

    /// <summary>The address served; after <see cref="Start"/>, with the port the OS chose for port 0.</summary>
    public Uri Url { get; private set; }

    /// <summary>Binds the address; throws <see cref="IOException"/> when it is taken.</summary>
    public void Start() => StartAsync(CancellationToken.None).GetAwaiter().GetResult();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            return;
        }

        await _server.StartAsync(new Application(this), cancellationToken);
        _started = true;
        if (_server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } bound
            && Uri.TryCreate(bound, UriKind.Absolute, out var actual))
        {
            Url = new Uri($"http://{Url.Host}:{actual.Port}");
        }
    }

    /// <summary>
    /// Serves until <paramref name="cancellationToken"/> is cancelled, then stops accepting, lets the
    /// requests in flight finish and releases the address.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }

        // In-flight requests get the function's own time limit to finish; connections still open after that are closed.
        using var drain = new CancellationTokenSource(_limits.FunctionTimeout);
        await _server.StopAsync(drain.Token);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _server.Dispose();
        await _kestrelServices.DisposeAsync();
    }

    private static void Configure(KestrelServerOptions options, Uri url, LocalServerLimits limits, ILogger logger)
    {
        var kestrel = options.Limits;
        kestrel.MaxRequestBodySize = limits.MaxBodyBytes;
        kestrel.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        kestrel.KeepAliveTimeout = limits.KeepAliveTimeout;
        kestrel.MinRequestBodyDataRate = new MinDataRate(limits.MinBytesPerSecond, limits.MinRateGracePeriod);
        kestrel.MinResponseDataRate = new MinDataRate(limits.MinBytesPerSecond, limits.MinRateGracePeriod);
        kestrel.MaxConcurrentConnections = limits.MaxConnections;
        kestrel.MaxConcurrentUpgradedConnections = 0;
        kestrel.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersBytes;
        kestrel.MaxRequestLineSize = Math.Min(8 * 1024, limits.MaxRequestHeadersBytes);
        kestrel.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
        kestrel.MaxRequestBufferSize = 64 * 1024;
        kestrel.MaxResponseBufferSize = 64 * 1024;
        options.AllowSynchronousIO = false;

        void Listen(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(RejectionRewriter.Middleware(logger));
        }

        if (url.Host is "localhost")
        {
            options.ListenLocalhost(url.Port, Listen);
        }
        else if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address))
        {
            options.Listen(address, url.Port, Listen);
        }
        else
        {
            throw new ArgumentException($"The local server listens on an IP address or localhost, not '{url.Host}'.", nameof(url));
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = NewRequestId();
        var request = context.Request;
        int status;
        // The function writes the access line of every request it answers (route template, status,
        // duration); the server writes one only for what it answered itself, so no request is logged twice.
        var answeredHere = true;
        try
        {
            var (body, refusal) = await ReadBodyAsync(context);
            HttpApiResponse response;
            if (refusal is not null)
            {
                response = ProblemResponse(refusal);
                // The rest of the body is not wanted; the connection ends after this answer.
                context.Response.Headers.Connection = "close";
            }
            else
            {
                answeredHere = false;
                var now = _clock.GetUtcNow();
                var @event = ToHttpApiEvent(context, body!, requestId, now);
                using var timeout = new CancellationTokenSource(_limits.FunctionTimeout, _clock);
                var raw = await _function.HandleAsync(
                    JsonSerializer.SerializeToUtf8Bytes(@event, LambdaJson.Context.HttpApiRequest),
                    new InvocationContext(requestId, now + _limits.FunctionTimeout),
                    timeout.Token);
                response = JsonSerializer.Deserialize(raw, LambdaJson.Context.HttpApiResponse)
                    ?? throw new InvalidOperationException("The function answered an HTTP API event with null.");
            }

            status = response.StatusCode;
            await WriteAsync(context, response, requestId);
        }
        catch (Exception ex) when (ClientWentAway(context, ex))
        {
            _logger.LogInformation("{Method} {Path} -> the client went away (request {RequestId})", request.Method, request.Path.Value, requestId);
            return;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Request {RequestId} failed in the local server", requestId);
            status = 500;
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.Clear();
                await WriteAsync(context, ApiGatewayMapping.ToHttpApi(Problems.Internal(requestId)), requestId);
            }
        }

        if (answeredHere)
        {
            _logger.LogInformation(
                "HTTP {Method} {Route} {Status} in {DurationMs:0.0} ms, refused by the local server (request {RequestId})",
                request.Method, AccessLog.RouteTemplate(request.Method, request.Path.Value ?? "/"), status,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, requestId);
        }
    }

    private static bool ClientWentAway(HttpContext context, Exception ex) =>
        context.RequestAborted.IsCancellationRequested
        && ex is OperationCanceledException or IOException or ConnectionResetException or ConnectionAbortedException;

    /// <summary>
    /// The body, or the problem that refuses it: over the limit by its declared length (before a byte
    /// of it is read) or while it streams in (chunked), malformed framing, or too slow in arriving.
    /// </summary>
    private async Task<(byte[]? Body, ProblemDetails? Refusal)> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > _limits.MaxBodyBytes)
        {
            return (null, ProtocolProblems.For(413));
        }

        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return ([], null);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(_limits.BodyTimeout);
        var buffer = new MemoryStream(request.ContentLength is { } declared ? (int)declared : 4096);
        try
        {
            await request.Body.CopyToAsync(buffer, deadline.Token);
            return (buffer.ToArray(), null);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex)
        {
            // Over the limit while streaming (413), broken chunked framing (400), too slow (408).
            return (null, ProtocolProblems.For(ex.StatusCode, ex.StatusCode == 413 ? null : ex.Message));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            return (null, ProtocolProblems.For(408, $"The request body did not arrive within {_limits.BodyTimeout.TotalSeconds:0.#} s."));
        }
    }

    /// <summary>
    /// The event API Gateway would send for this request: raw path and query, lower-cased headers
    /// (repeated ones joined by commas, as API Gateway joins them), cookies apart, the TCP peer as
    /// <c>sourceIp</c>, the body as text when it is UTF-8 and base64 otherwise.
    /// </summary>
    public static HttpApiRequest ToHttpApiEvent(HttpContext context, byte[] body, string requestId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : request.Path.Value + request.QueryString.Value;
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = question < 0 ? target : target[..question];
        var rawQuery = question < 0 ? string.Empty : target[(question + 1)..];

        var headers = new Dictionary<string, string?>(request.Headers.Count, StringComparer.Ordinal);
        List<string>? cookies = null;
        foreach (var (name, values) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower == "cookie")
            {
                cookies ??= [];
                foreach (var value in values)
                {
                    cookies.AddRange((value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                }

                continue;
            }

            headers[lower] = values.Count == 1 ? values[0] : string.Join(",", values.ToArray());
        }

        var query = ApiGatewayMapping.ParseQuery(rawQuery);
        var textBody = Utf8.IsValid(body);
        var host = request.Host.HasValue ? request.Host.Value : "localhost";
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
                    Method = request.Method,
                    Path = rawPath,
                    Protocol = request.Protocol,
                    SourceIp = context.Connection.RemoteIpAddress is { } peer
                        ? (peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer).ToString()
                        : null,
                    UserAgent = request.Headers.UserAgent.Count > 0 ? request.Headers.UserAgent.ToString() : null,
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

    private static HttpApiResponse ProblemResponse(ProblemDetails problem) =>
        ApiGatewayMapping.ToHttpApi(HttpResponseData.Problem(problem).WithHeader("Cache-Control", "no-store"));

    private static async Task WriteAsync(HttpContext context, HttpApiResponse answer, string requestId)
    {
        var response = context.Response;
        response.StatusCode = answer.StatusCode;
        var hasRequestId = false;
        foreach (var (name, value) in answer.Headers ?? [])
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            hasRequestId |= name.Equals(HttpApi.RequestIdHeader, StringComparison.OrdinalIgnoreCase);
            response.Headers[name] = value;
        }

        if (!hasRequestId)
        {
            // RejectionRewriter tells the application's answers from Kestrel's own by this header.
            response.Headers[HttpApi.RequestIdHeader] = requestId;
        }

        if (answer.Cookies is { Count: > 0 } cookies)
        {
            response.Headers.SetCookie = cookies.ToArray();
        }

        var body = answer.Body is null ? []
            : answer.IsBase64Encoded ? Convert.FromBase64String(answer.Body)
            : Encoding.UTF8.GetBytes(answer.Body);
        if (answer.StatusCode is 204 or 304 || (answer.StatusCode < 200))
        {
            await response.CompleteAsync();
            return;
        }

        response.ContentLength = body.Length;
        if (body.Length > 0 && !HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }

        await response.CompleteAsync();
    }

    private static string NewRequestId() => Guid.NewGuid().ToString("N");

    /// <summary>Kestrel's request loop calls this for every request it could parse.</summary>
    private sealed class Application(LocalHttpServer server) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => server.ServeAsync(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
            if (context is DefaultHttpContext defaultContext)
            {
                defaultContext.Uninitialize();
            }
        }
    }

    /// <summary>Passes on only the log lines at or above a level.</summary>
    private sealed class QuietLoggerFactory(ILoggerFactory inner, LogLevel minimum) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new QuietLogger(inner.CreateLogger(categoryName), minimum);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The server's logger factory is fixed.");

        public void Dispose()
        {
            // The inner factory belongs to the service provider.
        }

        private sealed class QuietLogger(ILogger inner, LogLevel minimum) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => inner.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    inner.Log(logLevel, eventId, state, exception, formatter);
                }
            }
        }
    }
}
