using System.Text.Json.Serialization.Metadata;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Common;
using Mediator;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// One operation of the HTTP API: its method and path template (<c>{id}</c> is one segment), what
/// the edge checks before it (a JSON body: 413, 415; a bearer token: 401), and how it turns the
/// request into one mediator request and the result into a response. The list of these
/// (<see cref="Routes.Table"/>) drives matching, dispatch and the API document's test alike.
/// </summary>
public sealed record Endpoint(string Method, string Template, Func<EndpointContext, CancellationToken, ValueTask<HttpResponseData>> Handle)
{
    /// <summary>Whether the request carries a JSON body (checked for size and media type first).</summary>
    public bool HasBody { get; init; }

    /// <summary>Whether the caller is authenticated by a bearer token; the request's authorisation decides what a missing one means.</summary>
    public bool RequiresBearer { get; init; }

    /// <summary>Whether a retry with the same <c>Idempotency-Key</c> replays the first answer (SPEC 5.2).</summary>
    public bool Idempotent { get; init; }

    public static Endpoint Get(string template, Func<EndpointContext, CancellationToken, ValueTask<HttpResponseData>> handle) => new("GET", template, handle);

    public static Endpoint Post(string template, Func<EndpointContext, CancellationToken, ValueTask<HttpResponseData>> handle) =>
        new("POST", template, handle) { HasBody = true };

    public static Endpoint Put(string template, Func<EndpointContext, CancellationToken, ValueTask<HttpResponseData>> handle) =>
        new("PUT", template, handle) { HasBody = true };

    public static Endpoint Delete(string template, Func<EndpointContext, CancellationToken, ValueTask<HttpResponseData>> handle) =>
        new("DELETE", template, handle);
}

/// <summary>What an endpoint's handler gets: the request, its <c>{id}</c>, the caller, and where to send its request.</summary>
public readonly struct EndpointContext(HttpRequestData request, string? id, Caller? caller, ISender sender, ValidationError? headerErrors = null)
{
    public HttpRequestData Request { get; } = request;

    /// <summary>The percent-decoded <c>{id}</c> segment of the path.</summary>
    public string Id => id ?? throw new InvalidOperationException("This endpoint's template has no {id}.");

    /// <summary>The authenticated caller (or why not), for endpoints that require a bearer token.</summary>
    public Caller? Caller { get; } = caller;

    public ISender Sender { get; } = sender;

    /// <summary>The body as <typeparamref name="T"/>; when it cannot be read, an empty one and the errors to carry into the request.</summary>
    /// <summary>
    /// What the edge could not bind in the headers it reads for every endpoint (an unusable
    /// <c>Idempotency-Key</c>); <see cref="Body{T}"/> and <see cref="Bound"/> start from it.
    /// </summary>
    public ValidationError? HeaderErrors { get; } = headerErrors;

    /// <summary>The body, or <paramref name="empty"/> with the reason in <paramref name="errors"/> (after <see cref="HeaderErrors"/>).</summary>
    public T Body<T>(JsonTypeInfo<T> typeInfo, T empty, out ValidationError? errors) where T : class
    {
        if (RequestBody.TryRead(Request, typeInfo, out var value, out var problem))
        {
            errors = HeaderErrors;
            return value;
        }

        errors = HeaderErrors ?? problem;
        return empty;
    }

    /// <summary>For an endpoint without a body: the binding errors so far (<see cref="HeaderErrors"/>).</summary>
    public ValidationError? Bound() => HeaderErrors;

    /// <summary>
    /// <c>If-Match</c> as the expected version (decision 0004): absent is any, <c>*</c> any existing
    /// version, a list the strong versions it names (none: nothing can match). A field that is not
    /// an entity-tag list, or lists more than <see cref="ExpectedVersion.MaxVersions"/>, is an error.
    /// </summary>
    public ExpectedVersion IfMatch(ref ValidationError? errors)
    {
        if (Request.Headers.Count("if-match") == 0)
        {
            return ExpectedVersion.Any;
        }

        if (!EntityTagCondition.TryParse(Request.Headers["if-match"]!, out var condition))
        {
            errors ??= ValidationError.For("ifMatch", "must be * or a list of quoted entity tags such as \"3\"");
            return ExpectedVersion.Any;
        }

        if (condition.Tags.Count > ExpectedVersion.MaxVersions)
        {
            errors ??= ValidationError.For("ifMatch", $"must list at most {ExpectedVersion.MaxVersions} entity tags");
            return ExpectedVersion.Any;
        }

        return condition.IsAny ? ExpectedVersion.Existing : ExpectedVersion.OneOf(condition.StrongVersions());
    }

    /// <summary>The values of a query parameter, or null when it is absent.</summary>
    public IReadOnlyList<string>? Query(string name) => Request.Query.TryGetValue(name, out var values) ? values : null;
}

/// <summary>How results become responses.</summary>
public static class Respond
{
    public static HttpResponseData With<T>(Result<T> result, Func<T, HttpResponseData> success) =>
        result.IsSuccess ? success(result.Value) : Refused(result.Error!);

    public static HttpResponseData Json<T>(Result<T> result, int status, JsonTypeInfo<T> typeInfo) =>
        With(result, value => HttpResponseData.Json(status, value, typeInfo));

    // An error kind without a mapping is a bug here, not the client's doing: it surfaces as a logged 500.
    public static HttpResponseData Refused(Error error) =>
        Problems.From(error) ?? throw new InvalidOperationException($"No HTTP mapping for {error.GetType().Name}.");
}
