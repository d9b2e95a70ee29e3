using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using CleanCqrs.TestSupport;

namespace CleanCqrs.LambdaHost.Tests.Aot;

/// <summary>
/// The Lambda Runtime API (2018-06-01) on 127.0.0.1, enough of it for a real process to run against:
/// <c>GET /runtime/invocation/next</c> long-polls for the next queued event, and the response and
/// error posts are recorded per request id.
/// </summary>
internal sealed class FakeRuntimeApiServer : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";

    private readonly Channel<(string RequestId, byte[] Event)> _invocations = Channel.CreateUnbounded<(string, byte[])>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Outcome>> _outcomes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly LoopbackHttpServer _server;

    // /next blocks until an event is queued, so requests are answered concurrently.
    public FakeRuntimeApiServer() => _server = LoopbackHttpServer.Start(AnswerAsync, concurrent: true);

    /// <summary>What <c>AWS_LAMBDA_RUNTIME_API</c> is set to.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public int Port => _server.Port;

    /// <summary>A start-up failure the process reported, if any.</summary>
    public TaskCompletionSource<Outcome> InitError { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Queues an event and returns what the function posts back for it.</summary>
    public Task<Outcome> InvokeAsync(byte[] @event)
    {
        var requestId = Guid.NewGuid().ToString();
        var outcome = _outcomes.GetOrAdd(requestId, _ => new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        _invocations.Writer.TryWrite((requestId, @event));
        return outcome.Task;
    }

    public async ValueTask DisposeAsync()
    {
        // Cancelled first, so pending long polls end before the listener closes under them.
        await _stopping.CancelAsync();
        await _server.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url!.AbsolutePath;
            if (context.Request.HttpMethod == "GET" && path == Prefix + "invocation/next")
            {
                var (requestId, @event) = await _invocations.Reader.ReadAsync(_stopping.Token);
                response.StatusCode = 200;
                response.ContentType = "application/json";
                response.Headers["Lambda-Runtime-Aws-Request-Id"] = requestId;
                response.Headers["Lambda-Runtime-Deadline-Ms"] =
                    DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0";
                response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-1:123456789012:function:cleancqrs-aot";
                await response.OutputStream.WriteAsync(@event);
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"];
            if (context.Request.HttpMethod == "POST" && path == Prefix + "init/error")
            {
                InitError.TrySetResult(new Outcome(false, body, errorType));
                response.StatusCode = 202;
                return;
            }

            var parts = path[Prefix.Length..].Split('/');
            if (context.Request.HttpMethod == "POST" && parts is ["invocation", var id, "response" or "error"]
                && _outcomes.TryGetValue(id, out var outcome))
            {
                outcome.TrySetResult(new Outcome(parts[2] == "response", body, errorType));
                response.StatusCode = 202;
                return;
            }

            response.StatusCode = 404;
        }
        catch (OperationCanceledException)
        {
            response.StatusCode = 500;
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }

    /// <summary>What the function posted: a response, or an error with its type.</summary>
    public sealed record Outcome(bool IsResponse, string Body, string? ErrorType);
}
