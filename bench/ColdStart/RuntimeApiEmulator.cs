using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace CleanCqrs.Bench.ColdStart;

internal enum SignalKind
{
    /// <summary>The function asked for its next invocation (<c>GET /runtime/invocation/next</c>).</summary>
    NextRequested,

    /// <summary><c>POST /runtime/invocation/{id}/response</c>.</summary>
    Response,

    /// <summary><c>POST /runtime/invocation/{id}/error</c>.</summary>
    InvocationError,

    /// <summary><c>POST /runtime/init/error</c>.</summary>
    InitError,
}

/// <summary>What the function did, stamped with <see cref="Stopwatch.GetTimestamp"/> as soon as the request was read.</summary>
internal sealed record RuntimeApiSignal(SignalKind Kind, long Timestamp, string? RequestId, byte[] Body, string? ErrorType)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// The Lambda Runtime API (2018-06-01) on a loopback port, for one function process. Invocations are
/// handed out in the order they were enqueued; a <c>next</c> with nothing enqueued is held open, which
/// is exactly what Lambda does to an idle execution environment. Everything the function does arrives
/// on <see cref="Signals"/>.
/// </summary>
internal sealed class RuntimeApiEmulator : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";
    private const string InvocationPrefix = Prefix + "invocation/";

    private readonly TcpListener _listener;
    private readonly Channel<byte[]> _invocations = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<RuntimeApiSignal> _signals = Channel.CreateUnbounded<RuntimeApiSignal>();
    private readonly ConcurrentDictionary<string, byte> _openRequestIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TcpClient, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;

    private RuntimeApiEmulator()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}";
        _acceptLoop = AcceptAsync();
    }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address { get; }

    public ChannelReader<RuntimeApiSignal> Signals => _signals.Reader;

    public static RuntimeApiEmulator Start() => new();

    public void Enqueue(byte[] eventPayload) => _invocations.Writer.TryWrite(eventPayload);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        foreach (var client in _connections.Keys)
        {
            client.Dispose();
        }

        await Task.WhenAll(_connections.Values.Append(_acceptLoop).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            client.NoDelay = true;
            _connections[client] = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var connection = new HttpConnection(client.GetStream());
            while (await connection.ReadRequestAsync(_stopping.Token) is { } request)
            {
                var timestamp = Stopwatch.GetTimestamp();
                await HandleAsync(connection, request, timestamp);
                if (!request.KeepAlive)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            // The function was killed or the harness is shutting down; a held `next` ends here.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
        }
    }

    private async Task HandleAsync(HttpConnection connection, HttpRequest request, long timestamp)
    {
        var token = _stopping.Token;
        var path = request.Path.Split('?')[0];
        if (request.Method == "GET" && path == InvocationPrefix + "next")
        {
            _signals.Writer.TryWrite(new RuntimeApiSignal(SignalKind.NextRequested, timestamp, null, [], null));
            var payload = await _invocations.Reader.ReadAsync(token);
            var requestId = Guid.NewGuid().ToString();
            _openRequestIds[requestId] = 0;
            var deadline = DateTimeOffset.UtcNow.AddMinutes(15).ToUnixTimeMilliseconds();
            await connection.WriteResponseAsync(200, "OK", "application/json", payload,
            [
                new("Lambda-Runtime-Aws-Request-Id", requestId),
                new("Lambda-Runtime-Deadline-Ms", deadline.ToString(CultureInfo.InvariantCulture)),
                new("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:ap-southeast-3:123456789012:function:cleancqrs-bench"),
                new("Lambda-Runtime-Trace-Id", TraceId()),
            ], request.KeepAlive, token);
            return;
        }

        if (request.Method == "POST" && path == Prefix + "init/error")
        {
            _signals.Writer.TryWrite(new RuntimeApiSignal(SignalKind.InitError, timestamp, null, request.Body, request.Header("Lambda-Runtime-Function-Error-Type")));
            await Accepted(connection, request, token);
            return;
        }

        if (request.Method == "POST" && path.StartsWith(InvocationPrefix, StringComparison.Ordinal))
        {
            var rest = path[InvocationPrefix.Length..].Split('/');
            var kind = rest is [_, "response"] ? SignalKind.Response : rest is [_, "error"] ? SignalKind.InvocationError : (SignalKind?)null;
            if (kind is { } signalKind)
            {
                if (!_openRequestIds.TryRemove(rest[0], out _))
                {
                    await connection.WriteResponseAsync(400, "Bad Request", "application/json",
                        JsonBody.Of(("errorMessage", $"unknown or already answered request id {rest[0]}"), ("errorType", "InvalidRequestID")),
                        [], request.KeepAlive, token);
                    return;
                }

                _signals.Writer.TryWrite(new RuntimeApiSignal(signalKind, timestamp, rest[0], request.Body, request.Header("Lambda-Runtime-Function-Error-Type")));
                await Accepted(connection, request, token);
                return;
            }
        }

        await connection.WriteResponseAsync(404, "Not Found", "application/json",
            JsonBody.Of(("errorMessage", $"no such Runtime API resource: {request.Method} {path}"), ("errorType", "NotFound")),
            [], request.KeepAlive, token);
    }

    private static string TraceId() =>
        string.Create(CultureInfo.InvariantCulture, $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Guid.NewGuid().ToString("N")[..24]};Parent=9a9197af755a6419;Sampled=0");

    private static Task Accepted(HttpConnection connection, HttpRequest request, CancellationToken token) =>
        connection.WriteResponseAsync(202, "Accepted", "application/json", JsonBody.Of(("status", "OK")), [], request.KeepAlive, token);
}
