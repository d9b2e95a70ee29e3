using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Http.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> (SPEC 5.2, decision 0021; after the IETF draft "The Idempotency-Key HTTP
/// Header Field" and Powertools for AWS Lambda's idempotency utility). The first request with a key
/// claims it with one conditional write (an in-progress record with a lease), runs, and keeps its
/// response for 24 h when it is a 2xx or a state refusal (404, 409, 412, 429). A repeat with the same
/// request gets that response again with <c>Idempotency-Replayed: true</c> and changes nothing; a
/// different request under the key is a 422; a repeat while the first still runs is a 409.
/// </summary>
/// <remarks>
/// Keys are scoped to the caller (token <c>sub</c>, or the normalised primary for <c>POST /otp</c>) and
/// the route, and stored only as a SHA-256 of the three, so the store holds no key, e-mail address or
/// phone number in clear. The fingerprint covers method, path, <c>If-Match</c> and the body as sent.
/// </remarks>
public sealed class IdempotentRequests(IIdempotencyStore store, TimeProvider clock, ILogger<IdempotentRequests> logger)
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";
    public const string KeyField = "idempotencyKey";
    public const int MaxKeyLength = 255;

    /// <summary>How long a response is kept for replay.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a claim stands for a request still running: past API Gateway's 30 s integration timeout,
    /// so a claim outlives its request only when the process died, and a retry after that runs.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="execute"/> under the request's <c>Idempotency-Key</c>, if it has one.
    /// </summary>
    /// <param name="route">The operation, e.g. <c>PUT /orgs/{id}</c>.</param>
    /// <param name="caller">
    /// The caller the key belongs to; null when the request is too malformed to name one (it is then a
    /// 400, which is never kept, so it simply runs).
    /// </param>
    public async ValueTask<HttpResponseData> RunAsync(
        HttpRequestData request,
        string route,
        Func<string?> caller,
        Func<CancellationToken, ValueTask<HttpResponseData>> execute,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(execute);
        var given = request.Headers.Count(KeyHeader);
        if (given == 0)
        {
            return await execute(cancellationToken);
        }

        if (given > 1 || !TryParseKey(request.Headers[KeyHeader]!, out var key))
        {
            // Callers bind KeyError into the request first, so authorisation answers before this (SPEC §2).
            return Respond.Refused(KeyError(request)!);
        }

        if (caller() is not { } scope)
        {
            return await execute(cancellationToken);
        }

        var storeKey = Sha256Hex(route + "\n" + scope + "\n" + key);
        var fingerprint = Fingerprint(request);
        var now = clock.GetUtcNow();
        var claim = await store.TryClaimAsync(storeKey, fingerprint, now, Lease, cancellationToken);
        if (!claim.IsClaimed)
        {
            var existing = claim.Existing!;
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(existing.Fingerprint), Encoding.ASCII.GetBytes(fingerprint)))
            {
                return Problems.IdempotencyKeyReused();
            }

            if (existing.Response is not { } kept)
            {
                return Problems.IdempotencyInProgress();
            }

            logger.LogInformation("{Route}: replayed the response to an earlier request with the same Idempotency-Key", route);
            return Replay(kept);
        }

        HttpResponseData response;
        try
        {
            response = await execute(cancellationToken);
        }
        catch
        {
            await store.ReleaseAsync(storeKey, claim.ClaimId!, CancellationToken.None);
            throw;
        }

        if (IsKept(response.StatusCode))
        {
            await store.CompleteAsync(storeKey, claim.ClaimId!, ToKept(response), now + Retention, CancellationToken.None);
        }
        else
        {
            await store.ReleaseAsync(storeKey, claim.ClaimId!, CancellationToken.None);
        }

        return response;
    }

    /// <summary>The normalised primary of a <c>POST /otp</c> body, or null when the body does not name one.</summary>
    public static string? PrimaryOf(HttpRequestData request) =>
        RequestBody.TryRead(request, HttpJson.Context.OtpRequestBody, out var body, out _)
        && OtpContact.Create(body.Primary, body.Role, body.Country) is { IsSuccess: true } contact
            ? contact.Value.Primary.Value
            : null;

    /// <summary>
    /// 1 to 255 printable ASCII characters (space to tilde, not all spaces). The IETF draft sends the key
    /// as a structured-field string (<c>"…"</c>): its quotes are not part of the key.
    /// </summary>
    /// <summary>
    /// Why the request's <c>Idempotency-Key</c> cannot be used (given twice, empty, too long, not
    /// printable ASCII); null when it is absent or well formed. A binding error of the request: it answers
    /// 400 after authentication and authorisation, like the body's.
    /// </summary>
    public static ValidationError? KeyError(HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var given = request.Headers.Count(KeyHeader);
        return given == 0 || (given == 1 && TryParseKey(request.Headers[KeyHeader]!, out _))
            ? null
            : ValidationError.For(KeyField, $"must be given once, as 1 to {MaxKeyLength} printable ASCII characters");
    }

    public static bool TryParseKey(string raw, out string key)
    {
        key = raw.Trim();
        if (key.Length >= 2 && key[0] == '"' && key[^1] == '"')
        {
            key = key[1..^1];
        }

        return key.Length is > 0 and <= MaxKeyLength
            && !key.AsSpan().ContainsAnyExceptInRange(' ', '~')
            && !string.IsNullOrWhiteSpace(key);
    }

    /// <summary>Successes and the refusals that describe state (SPEC 5.2); never a 5xx, a 400 or an auth refusal.</summary>
    public static bool IsKept(int status) => status is >= 200 and < 300 or 404 or 409 or 412 or 429;

    private static HttpResponseData Replay(IdempotentResponse kept)
    {
        var response = HttpResponseData.Stored(kept.StatusCode, kept.ContentType, kept.Body);
        if (kept.ETag is { } etag)
        {
            response.WithHeader("ETag", etag);
        }

        if (kept.Location is { } location)
        {
            response.WithHeader("Location", location);
        }

        if (kept.RetryAfter is { } retryAfter)
        {
            response.WithHeader("Retry-After", retryAfter);
        }

        return response.WithHeader(ReplayedHeader, "true");
    }

    private static IdempotentResponse ToKept(HttpResponseData response) => new(
        response.StatusCode,
        response.Header("Content-Type"),
        response.Body,
        response.Header("ETag"),
        response.Header("Location"),
        response.Header("Retry-After"));

    private static string Fingerprint(HttpRequestData request) =>
        Sha256Hex(string.Join(
            "\n",
            request.Method,
            request.Path,
            request.Headers["if-match"] ?? string.Empty,
            request.IsBase64Encoded.ToString(CultureInfo.InvariantCulture),
            request.Body ?? string.Empty));

    private static string Sha256Hex(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
