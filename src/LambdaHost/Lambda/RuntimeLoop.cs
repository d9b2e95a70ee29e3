using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Lambda.Events;
using CleanCqrs.LambdaHost.Logging;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Lambda;

/// <summary>
/// The custom runtime's side of the Lambda Runtime API (2018-06-01): fetch the next event, run the
/// function with a cancellation token that fires at the invocation's deadline, post the response or
/// the error, repeat. One invocation at a time, as a standard Lambda execution environment runs them.
/// </summary>
public sealed class RuntimeLoop(HttpClient runtimeApi, Function function, ILogger<RuntimeLoop> logger, TimeProvider? clock = null)
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";

    /// <summary>Left before the deadline to post the answer before Lambda stops the invocation.</summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    // The first invocation of the process is the cold one; its log lines say so (cold_start).
    private bool _coldStart = true;

    /// <summary>
    /// A client for <c>http://{address}/2018-06-01/</c> without a timeout: the process may be frozen
    /// for a long time inside <c>GET /next</c>.
    /// </summary>
    public static HttpClient CreateClient(string address) => new()
    {
        BaseAddress = new Uri($"http://{address}/2018-06-01/"),
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Processes invocations until <paramref name="cancellationToken"/> is cancelled; throws when the Runtime API fails.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RunOnceAsync(cancellationToken);
        }
    }

    /// <summary>Fetches one invocation, runs it and posts its outcome.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        using var next = await runtimeApi.GetAsync("runtime/invocation/next", HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (next.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException(
                $"The Runtime API answered GET /runtime/invocation/next with {(int)next.StatusCode}; the runtime stops.", null, next.StatusCode);
        }

        var requestId = Header(next, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new HttpRequestException("The Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id.");
        var deadline = long.TryParse(Header(next, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : _clock.GetUtcNow().AddMinutes(15);
        var traceId = Header(next, "Lambda-Runtime-Trace-Id");
        // Custom runtimes must set this themselves, for the X-Ray SDK in this process (Lambda does not).
        Environment.SetEnvironmentVariable(TraceIdVariable, traceId);

        // Lines the loop itself writes about this invocation carry the same fields as the function's.
        using var scope = logger.BeginScope(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [JsonLinesLoggerProvider.RequestIdScope] = requestId,
            [JsonLinesLoggerProvider.TraceIdScope] = traceId,
            [JsonLinesLoggerProvider.ColdStartScope] = _coldStart,
        });
        _coldStart = false;
        var @event = await next.Content.ReadAsByteArrayAsync(cancellationToken);
        var context = new InvocationContext(requestId, deadline, traceId);
        var remaining = deadline - _clock.GetUtcNow() - DeadlineMargin;
        using var timeout = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _clock);
        using var invocation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        byte[] response;
        try
        {
            response = await function.HandleAsync(@event, context, invocation.Token);
        }
        catch (InvocationException ex)
        {
            logger.LogWarning("Invocation {RequestId} refused: {ErrorType}: {Message}", requestId, ex.ErrorType, ex.Message);
            await PostErrorAsync($"runtime/invocation/{requestId}/error", new LambdaError(ex.ErrorType, ex.Message), cancellationToken);
            return;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var errorType = timeout.IsCancellationRequested ? "Function.Timeout" : "Function.Unhandled";
            logger.LogError(ex, "Invocation {RequestId} failed ({ErrorType})", requestId, errorType);
            // The details stay in the log: the error goes back to whoever invoked the function.
            await PostErrorAsync(
                $"runtime/invocation/{requestId}/error",
                new LambdaError(errorType, $"The invocation failed ({ex.GetType().Name}); see the function's log for request {requestId}."),
                cancellationToken);
            return;
        }

        using var content = new ByteArrayContent(response);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var posted = await runtimeApi.PostAsync($"runtime/invocation/{requestId}/response", content, cancellationToken);
        if (posted.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            logger.LogError("Invocation {RequestId}: the response of {Bytes} bytes is too large for Lambda", requestId, response.Length);
            await PostErrorAsync(
                $"runtime/invocation/{requestId}/error",
                new LambdaError("Function.ResponseSizeTooLarge", $"The response of {response.Length} bytes exceeds Lambda's limit."),
                cancellationToken);
            return;
        }

        EnsureAccepted(posted, "response");
    }

    /// <summary>Reports a start-up failure (<c>POST /runtime/init/error</c>); the process should exit afterwards.</summary>
    public static async Task ReportInitErrorAsync(HttpClient runtimeApi, Exception error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtimeApi);
        ArgumentNullException.ThrowIfNull(error);
        var report = error is SettingsException
            ? new LambdaError("Runtime.ConfigInvalid", error.Message)
            : new LambdaError("Runtime.InitError", $"{error.GetType().Name}: {error.Message}");
        using var response = await PostErrorAsync(runtimeApi, "runtime/init/error", report, cancellationToken);
    }

    private async Task PostErrorAsync(string path, LambdaError error, CancellationToken cancellationToken)
    {
        using var response = await PostErrorAsync(runtimeApi, path, error, cancellationToken);
        EnsureAccepted(response, "error");
    }

    private static async Task<HttpResponseMessage> PostErrorAsync(
        HttpClient runtimeApi, string path, LambdaError error, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, LambdaJson.Context.LambdaError));
        content.Headers.ContentType = new MediaTypeHeaderValue(ErrorContentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, error.ErrorType);
        return await runtimeApi.SendAsync(request, cancellationToken);
    }

    private void EnsureAccepted(HttpResponseMessage response, string what)
    {
        // 500 means the execution environment is broken: the runtime must exit. Other refusals concern
        // this invocation only (Lambda has already given up on it), so the loop goes on.
        if (response.StatusCode == HttpStatusCode.InternalServerError)
        {
            throw new HttpRequestException($"The Runtime API answered the {what} with 500; the runtime stops.", null, response.StatusCode);
        }

        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            logger.LogWarning("The Runtime API answered the {What} with {Status}", what, (int)response.StatusCode);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
