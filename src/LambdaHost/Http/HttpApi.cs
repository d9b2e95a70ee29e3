using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Commands;
using CleanCqrs.Application.Orgs.Commands.CreateOrg;
using CleanCqrs.Application.Orgs.Commands.UpdateOrg;
using CleanCqrs.Application.Orgs.Queries.GetOrg;
using CleanCqrs.Application.Otps.Commands.RequestOtp;
using CleanCqrs.Application.Otps.Commands.VerifyOtp;
using CleanCqrs.Application.Tokens.Queries.GetJwks;
using CleanCqrs.Domain.Common;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// The HTTP API: routes a request to one mediator request and maps the outcome to HTTP. Checks run
/// in the contract's order and the first failure answers: route (404, 405), body size and type
/// (413, 415), authentication (401), authorisation (403), validation (400), then state.
/// </summary>
public sealed class HttpApi(
    IMediator mediator, BearerAuthentication bearer, ILogger<HttpApi> logger, IMetrics? metrics = null, CorsPolicy? cors = null)
{
    public const string RequestIdHeader = "X-Request-Id";
    public const string CorrelationIdHeader = "X-Correlation-Id";

    /// <summary>How long a client waits before polling a read model that is behind again.</summary>
    private const string PollAfterSeconds = "1";

    private static readonly ExpectedVersion Unmatchable = ExpectedVersion.Is(-1);

    private readonly IMetrics _metrics = metrics ?? NullMetrics.Instance;
    private readonly CorsPolicy _cors = cors ?? CorsPolicy.Disabled;

    /// <summary>Never throws: an unexpected failure is logged and answered with a generic 500.</summary>
    public async ValueTask<HttpResponseData> HandleAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        var correlationId = CorrelationId(request);
        HttpResponseData response;
        try
        {
            using (RequestContext.Begin(correlationId))
            {
                response = _cors.Preflight(request) ?? await DispatchAsync(request, cancellationToken);
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

        return _cors.Apply(request, response
            .WithHeader(RequestIdHeader, request.RequestId)
            .WithHeader(CorrelationIdHeader, correlationId));
    }

    private async ValueTask<HttpResponseData> DispatchAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        var route = Routes.Match(request.Method, request.Path);
        if (route.IsNotFound)
        {
            return Problems.RouteNotFound(request.Path);
        }

        if (route.Endpoint is not { } endpoint)
        {
            return Problems.MethodNotAllowed(request.Method, route.AllowedMethods!);
        }

        if (Routes.HasBody(endpoint) && RequestBody.CheckSizeAndType(request) is { } unacceptable)
        {
            return RefusedAtEdge(endpoint, unacceptable);
        }

        TokenClaims? caller = null;
        if (Routes.RequiresBearer(endpoint))
        {
            var authentication = await bearer.AuthenticateAsync(request, cancellationToken);
            if (authentication.Problem is { } unauthenticated)
            {
                return RefusedAtEdge(endpoint, unauthenticated);
            }

            caller = authentication.Claims;
        }

        return endpoint switch
        {
            Endpoint.RequestOtp => await RequestOtpAsync(request, cancellationToken),
            Endpoint.VerifyOtp => await VerifyOtpAsync(request, cancellationToken),
            Endpoint.CreateOrg => await CreateOrgAsync(request, caller!, cancellationToken),
            Endpoint.UpdateOrg => await UpdateOrgAsync(request, route.Id!, caller!, cancellationToken),
            Endpoint.GetOrg => await GetOrgAsync(request, route.Id!, cancellationToken),
            Endpoint.GetJwks => await GetJwksAsync(cancellationToken),
            _ => throw new InvalidOperationException($"No handler for {endpoint}."),
        };
    }

    private async ValueTask<HttpResponseData> RequestOtpAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        if (!RequestBody.TryRead(request, HttpJson.Context.OtpRequestBody, out var body, out var invalid))
        {
            return RefusedAtEdge(Endpoint.RequestOtp, invalid);
        }

        var result = await mediator.Send(new RequestOtp(body.Primary, body.Role, body.Country), cancellationToken);
        return result.IsSuccess
            ? HttpResponseData.Json(202, result.Value, HttpJson.Context.OtpRequested)
            : Refused(result.Error!);
    }

    private async ValueTask<HttpResponseData> VerifyOtpAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        if (!RequestBody.TryRead(request, HttpJson.Context.OtpVerifyBody, out var body, out var invalid))
        {
            return RefusedAtEdge(Endpoint.VerifyOtp, invalid);
        }

        var result = await mediator.Send(
            new VerifyOtp(body.Primary, body.Role, body.Country, body.OtpId, body.Code), cancellationToken);
        // A token response must not be stored by any cache (RFC 6749 section 5.1).
        return result.IsSuccess
            ? HttpResponseData.Json(200, result.Value, HttpJson.Context.TokenGranted).WithHeader("Cache-Control", "no-store")
            : Refused(result.Error!);
    }

    private async ValueTask<HttpResponseData> CreateOrgAsync(HttpRequestData request, TokenClaims caller, CancellationToken cancellationToken)
    {
        // Authorisation is decided on the caller alone, so it can answer before the body is read (403 before 400).
        if (new CreateOrg(caller, null, null, null).Authorize() is { } denied)
        {
            return RefusedAtEdge(Endpoint.CreateOrg, Refused(denied));
        }

        if (!RequestBody.TryRead(request, HttpJson.Context.OrgBody, out var body, out var invalid))
        {
            return RefusedAtEdge(Endpoint.CreateOrg, invalid);
        }

        var result = await mediator.Send(new CreateOrg(caller, body.Name, body.Location, body.Description), cancellationToken);
        if (!result.IsSuccess)
        {
            return Refused(result.Error!);
        }

        var written = result.Value;
        return HttpResponseData.Json(201, written, HttpJson.Context.OrgWritten)
            .WithHeader("Location", "/orgs/" + Uri.EscapeDataString(written.Id))
            .WithHeader("ETag", EntityTagCondition.Format(written.Version));
    }

    private async ValueTask<HttpResponseData> UpdateOrgAsync(
        HttpRequestData request, string id, TokenClaims caller, CancellationToken cancellationToken)
    {
        if (new UpdateOrg(caller, id, null, null, null, ExpectedVersion.Any).Authorize() is { } denied)
        {
            return RefusedAtEdge(Endpoint.UpdateOrg, Refused(denied));
        }

        if (!RequestBody.TryRead(request, HttpJson.Context.OrgBody, out var body, out var invalid))
        {
            return RefusedAtEdge(Endpoint.UpdateOrg, invalid);
        }

        EntityTagCondition? ifMatch = null;
        if (request.Headers.Count("if-match") > 0 && !EntityTagCondition.TryParse(request.Headers["if-match"]!, out ifMatch))
        {
            return RefusedAtEdge(Endpoint.UpdateOrg, Problems.Invalid("ifMatch", "must be * or a list of quoted entity tags such as \"3\""));
        }

        // Decision 0004: If-Match is compared strongly against the quoted version. "*" is "any existing
        // org", which a retried full replace keeps true. Each listed version is tried as the expected
        // one (only the current version can succeed); a list naming no version we could have written
        // can never match, and still goes through the pipeline so that 400 comes before 412.
        IReadOnlyList<ExpectedVersion> expectations = ifMatch switch
        {
            null or { IsAny: true } => [ExpectedVersion.Any],
            _ when ifMatch.StrongVersions() is { Count: > 0 } versions => [.. versions.Select(ExpectedVersion.Is)],
            _ => [Unmatchable],
        };

        Result<OrgWritten> result = default;
        foreach (var expected in expectations)
        {
            result = await mediator.Send(new UpdateOrg(caller, id, body.Name, body.Location, body.Description, expected), cancellationToken);
            if (result.Error is not PreconditionFailedError)
            {
                break;
            }
        }

        if (!result.IsSuccess)
        {
            return (ifMatch, result.Error) switch
            {
                (not null, NotFoundError) => Problems.PreconditionFailed(
                    $"Org '{id}' does not exist, so If-Match cannot match it."),
                (not null, PreconditionFailedError) => Problems.PreconditionFailed(
                    "If-Match does not match the org's current version; read it again and retry."),
                _ => Refused(result.Error!),
            };
        }

        return HttpResponseData.Json(200, result.Value, HttpJson.Context.OrgWritten)
            .WithHeader("ETag", EntityTagCondition.Format(result.Value.Version));
    }

    private async ValueTask<HttpResponseData> GetOrgAsync(HttpRequestData request, string id, CancellationToken cancellationToken)
    {
        long? minVersion = null;
        if (request.Query.TryGetValue("minVersion", out var values))
        {
            if (!TryParseMinVersion(values, out var parsed, out var message))
            {
                return Problems.Invalid("minVersion", message);
            }

            minVersion = parsed;
        }

        EntityTagCondition? ifNoneMatch = null;
        if (request.Headers.Count("if-none-match") > 0 && !EntityTagCondition.TryParse(request.Headers["if-none-match"]!, out ifNoneMatch))
        {
            return Problems.Invalid("ifNoneMatch", "must be * or a list of entity tags such as \"3\" or W/\"3\"");
        }

        if (!IsPlausibleId(id))
        {
            // No org can have this id (ids are token subjects); not worth a read, nor a store error.
            return Refused(new NotFoundError($"Org '{id}' was not found."));
        }

        var result = await mediator.Send(new GetOrg(id, minVersion), cancellationToken);
        if (!result.IsSuccess)
        {
            return Refused(result.Error!);
        }

        var readout = result.Value;
        if (readout.IsBehind)
        {
            return HttpResponseData.Json(202, new OrgBehind(readout.Version, readout.MinVersion!.Value), HttpJson.Context.OrgBehind)
                .WithHeader("Retry-After", PollAfterSeconds)
                .WithHeader("Cache-Control", "no-store");
        }

        var org = readout.Org!;
        var etag = EntityTagCondition.Format(org.Version);
        // The read model moves with every event; a cached copy must be revalidated (and can be, by ETag).
        if (ifNoneMatch is not null && ifNoneMatch.MatchesWeakly(org.Version))
        {
            return HttpResponseData.Empty(304).WithHeader("ETag", etag).WithHeader("Cache-Control", "no-cache");
        }

        return HttpResponseData.Json(200, org, HttpJson.Context.OrgDto)
            .WithHeader("ETag", etag)
            .WithHeader("Cache-Control", "no-cache");
    }

    private async ValueTask<HttpResponseData> GetJwksAsync(CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new GetJwks(), cancellationToken);
        return result.IsSuccess
            ? HttpResponseData.RawJson(200, System.Text.Encoding.UTF8.GetBytes(result.Value)).WithHeader("Cache-Control", "public, max-age=300")
            : Refused(result.Error!);
    }

    /// <summary>
    /// A refusal the edge answers before the pipeline runs (a body it cannot read, no valid token, the
    /// wrong caller) is still an outcome of the command the client sent, so it is counted like one.
    /// </summary>
    private HttpResponseData RefusedAtEdge(Endpoint endpoint, HttpResponseData response)
    {
        var command = endpoint switch
        {
            Endpoint.RequestOtp => nameof(RequestOtp),
            Endpoint.VerifyOtp => nameof(VerifyOtp),
            Endpoint.CreateOrg => nameof(CreateOrg),
            Endpoint.UpdateOrg => nameof(UpdateOrg),
            _ => null,
        };
        if (command is not null)
        {
            var outcome = response.StatusCode switch
            {
                401 => Outcomes.Unauthorized,
                403 => Outcomes.Forbidden,
                _ => Outcomes.Validation,
            };
            _metrics.Count(MetricNames.Commands, 1, MetricDimensions.ForCommand(command, outcome));
        }

        return response;
    }

    // An error kind without a mapping is a bug here, not the client's doing: it surfaces as a logged 500.
    private static HttpResponseData Refused(Error error) =>
        Problems.From(error) ?? throw new InvalidOperationException($"No HTTP mapping for {error.GetType().Name}.");

    /// <summary>A non-negative integer given once; leading zeros are fine, a sign or a fraction is not.</summary>
    public static bool TryParseMinVersion(IReadOnlyList<string> values, out long minVersion, out string message)
    {
        minVersion = 0;
        message = string.Empty;
        if (values.Count != 1)
        {
            message = "must be given once";
            return false;
        }

        var raw = values[0];
        if (raw.Length == 0 || !raw.All(char.IsAsciiDigit))
        {
            message = "must be a non-negative integer";
            return false;
        }

        if (!long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out minVersion))
        {
            message = $"must be at most {long.MaxValue}";
            return false;
        }

        return true;
    }

    /// <summary>Ids are token subjects: short, printable ASCII.</summary>
    private static bool IsPlausibleId(string id) => id.Length is > 0 and <= 128 && IsPrintableAscii(id);

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
