using CleanCqrs.Application.Common;
using CleanCqrs.LambdaHost.Http.Idempotency;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// The HTTP edge: matches a request to its <see cref="Endpoint"/>, which sends one mediator request
/// and maps the outcome. Checks run in the contract's order and the first failure answers: route
/// (404, 405) and body size and type (413, 415) here; then, in the pipeline, authentication (401)
/// and authorisation (403), input the edge could not bind and validation (400), then state.
/// </summary>
public sealed class HttpApi(
    IMediator mediator, BearerAuthentication bearer, IdempotentRequests idempotency, CorsPolicy cors, ILogger<HttpApi> logger)
{
    public const string RequestIdHeader = "X-Request-Id";
    public const string CorrelationIdHeader = "X-Correlation-Id";

    /// <summary>Never throws: an unexpected failure is logged and answered with a generic 500.</summary>
    public ValueTask<HttpResponseData> HandleAsync(HttpRequestData request, CancellationToken cancellationToken) =>
        HandleAsync(request, Routes.Match(request.Method, request.Path), cancellationToken);

    /// <summary>
    /// The same for a request the caller has already matched (<see cref="Routes.Match"/>), so that a
    /// request is matched once even when the caller also needs its route (the access log).
    /// </summary>
    public async ValueTask<HttpResponseData> HandleAsync(HttpRequestData request, RouteMatch route, CancellationToken cancellationToken)
    {
        var correlationId = CorrelationId(request);
        HttpResponseData response;
        try
        {
            using (RequestContext.Begin(correlationId))
            {
                response = cors.Preflight(request) ?? await DispatchAsync(request, route, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("{Method} {Path} ran out of time (request {RequestId})", request.Method, request.Path, request.RequestId);
            response = Problems.Unavailable();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{Method} {Path} failed (request {RequestId})", request.Method, request.Path, request.RequestId);
            response = Problems.Internal(request.RequestId);
        }

        // HEAD: whatever GET would answer, refusals included, without the body (SPEC 5.1).
        return cors.Apply(request, (request.Method == "HEAD" ? response.WithoutBody() : response)
            .WithHeader(RequestIdHeader, request.RequestId)
            .WithHeader(CorrelationIdHeader, correlationId));
    }

    private async ValueTask<HttpResponseData> DispatchAsync(HttpRequestData request, RouteMatch route, CancellationToken cancellationToken)
    {
        if (route.IsNotFound)
        {
            return Problems.RouteNotFound(request.Path);
        }

        if (route.Endpoint is not { } endpoint)
        {
            return Problems.MethodNotAllowed(request.Method, route.AllowedMethods!);
        }

        if (endpoint.HasBody && RequestBody.CheckSizeAndType(request) is { } unacceptable)
        {
            return unacceptable;
        }

        // Who the caller is, or why not; whether that is enough is the request's own authorisation, in the pipeline.
        var caller = endpoint.RequiresBearer ? await bearer.AuthenticateAsync(request, cancellationToken) : null;
        // An unusable Idempotency-Key is bound like a bad body: the pipeline answers 401 and 403 before its 400.
        var keyError = endpoint.Idempotent ? IdempotentRequests.KeyError(request) : null;
        var context = new EndpointContext(request, route.Id, caller, mediator, keyError);
        if (!endpoint.Idempotent || keyError is not null || (endpoint.RequiresBearer && caller?.Claims is null))
        {
            // Without a caller there is nothing to scope a key to: the pipeline answers 401.
            return await endpoint.Handle(context, cancellationToken);
        }

        // SPEC 5.2: the writes take an Idempotency-Key, scoped to the caller (the token's subject, or the
        // normalised primary of POST /otp) and the route.
        return await idempotency.RunAsync(
            request,
            endpoint.Method + " " + endpoint.Template,
            () => caller?.Claims?.Subject ?? IdempotentRequests.PrimaryOf(request),
            ct => endpoint.Handle(context, ct),
            cancellationToken);
    }

    // A span loop: LINQ over a string boxes an enumerator on every request.
    private static bool IsPrintableAscii(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is <= ' ' or >= '\u007f')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The caller's <c>X-Correlation-Id</c> when it is a sane token, otherwise the request id.</summary>
    private static string CorrelationId(HttpRequestData request) =>
        request.Headers.Count("x-correlation-id") == 1
        && request.Headers["x-correlation-id"] is { Length: > 0 and <= 128 } given
        && IsPrintableAscii(given)
            ? given
            : request.RequestId;
}
