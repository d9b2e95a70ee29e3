using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanCqrs.Domain.Otps;
using CleanCqrs.Reliability.Tests.Support;
using CsCheck;

namespace CleanCqrs.Reliability.Tests.HostileInput;

/// <summary>How the generated request is dressed as an API Gateway event beyond the request itself.</summary>
public enum EventShape
{
    AsSent,

    /// <summary>API Gateway sends <c>headers: null</c> for a request without headers.</summary>
    NullHeaders,

    /// <summary>No <c>requestContext.requestId</c>, so the invocation's id is used.</summary>
    NoRequestId,

    /// <summary>HTTP API cookies (they travel apart from the headers).</summary>
    WithCookies,
}

/// <summary>One generated request with what it must get: one of <see cref="Expected"/>, or (null) anything but a 5xx.</summary>
public sealed record HostileCase(string Kind, ApiRequest Request, PayloadFormat Format, EventShape Shape, IReadOnlyList<int>? Expected)
{
    public byte[] ToEvent()
    {
        var e = Format == PayloadFormat.HttpApi ? ApiGatewayEvents.HttpApi(Request) : ApiGatewayEvents.RestApi(Request);
        switch (Shape)
        {
            case EventShape.NullHeaders:
                e["headers"] = null;
                if (Format == PayloadFormat.RestApi)
                {
                    e["multiValueHeaders"] = null;
                }

                break;
            case EventShape.NoRequestId:
                e["requestContext"]!.AsObject().Remove("requestId");
                break;
            case EventShape.WithCookies when Format == PayloadFormat.HttpApi:
                e["cookies"] = new JsonArray("session=abc", "x=\u0000\u202e", "=;=;");
                break;
        }

        return Encoding.UTF8.GetBytes(e.ToJsonString());
    }

    public override string ToString() =>
        $"[{Kind}] {Format}, shape {Shape}, expected {(Expected is null ? "anything but 5xx" : string.Join(" or ", Expected))}\n{Request}";
}

/// <summary>
/// Adversarial API requests across every route. Each kind is refused by construction (a forged token,
/// a defect the validator must catch, a stale If-Match, a wrong media type), so none may change state,
/// and where the contract fixes the answer the case carries it.
/// </summary>
public sealed class HostileRequests(HostileWorld world)
{
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly string[] BodyRoutes = ["/otp", "/otp/verify", "/authenticate", "/orgs"];

    /// <summary>Characters that break parsers, validators, terminals and logs.</summary>
    private static readonly Gen<char> OddChar = Gen.OneOf(
        '\0', '\u0001', '\u0008', '\u000b', '\u001b', '\u001f', '\u007f', '\u0085', '\u00a0', '\u00ad', '\u0301', '\u034f',
        '\u061c', '\u200b', '\u200d', '\u200e', '\u202a', '\u202e', '\u2066', '\u2069', '\u2028', '\u2029', '\u3000',
        '\ufeff', '\ufffd', '\uffff', '\ufdd0', '\ud800', '\udbff', '\udc00', '\udfff', 'é', 'ß', 'ſ', 'K', 'ı', '中', 'ﷺ',
        '"', '\\', '/', '<', '>', '&', '\'', '%', '+', '{', '}', '[', ']', ':', ',', ' ', '\t', '\n', '\r', '$', '`');

    private static readonly Gen<string> Emoji = Gen.OneOf(
        "😀", "👩‍👩‍👧‍👦", "🏳️‍🌈", "🇸🇬", "👍🏽", "\U0001F600\u200D", "🧑‍💻", "\U000E0041", "\U0010FFFF");

    /// <summary>Short text of every sort: plain, odd characters, emoji, any UTF-16 unit (lone surrogates included).</summary>
    public static readonly Gen<string> OddText = Gen.Frequency(
        (3, Gen.String[Gen.Char.AlphaNumeric, 0, 24]),
        (4, Gen.String[OddChar, 1, 24]),
        (2, Emoji.Array[1, 8].Select(parts => string.Concat(parts))),
        (2, Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 12], Gen.String[OddChar, 1, 6], Emoji, (a, b, c) => a + b + c)),
        (2, Gen.String[Gen.Char, 0, 40]));

    /// <summary>Long header values (API Gateway allows about 10 KB of headers).</summary>
    private static readonly Gen<string> LongHeaderValue = Gen.Select(Gen.OneOf(121, 1_201, 4_096, 10_000), Gen.OneOf('a', 'é', '\u0301', ' ', '\0', '中', '\ud800'),
        (length, unit) => new string(unit, length));

    /// <summary>A JSON value of the wrong kind for a string field.</summary>
    private static readonly Gen<string> WrongKind = Gen.OneOf(
        "0", "-1", "1e309", "123456", "true", "false", "[]", "[\"a\"]", "{}", "{\"a\":\"b\"}", "0.5", "-0", "[null]", "[[[[]]]]");

    private static readonly Gen<string?> NoText = Gen.Const((string?)null);

    /// <summary>A member left out (null here), a JSON null, or a value of the wrong kind.</summary>
    private static readonly Gen<string?> AbsentNullOrWrongKind = Gen.OneOf<string?>(
        NoText, Gen.Const((string?)"null"), WrongKind.Select(v => (string?)v), WrongKind.Select(v => (string?)v));

    private readonly HostileWorld _world = world;

    /// <summary>Every kind of hostile request, weighted.</summary>
    public Gen<HostileCase> All => Gen.Frequency(
        (12, OrgWriteWithForgedToken),
        (6, OrgWriteByWrongCaller),
        (10, OrgWriteWithInvalidBody),
        (4, OrgWriteRefusedByState),
        (10, OtpRequestInvalid),
        (8, OtpVerifyInvalid),
        (3, OtpVerifyUnknown),
        (6, WrongContentType),
        (3, TooLarge),
        (5, Base64Body),
        (10, RandomRoute),
        (8, ReadOrg),
        (2, Jwks))
        .SelectMany(c => Gen.Select(Format, Shape, RandomHeaders(c.Kind), (format, shape, extra) =>
            c with
            {
                Format = format,
                Shape = shape,
                Request = c.Request with { Headers = [.. c.Request.Headers, .. extra] },
                // Only the event as sent has an answer fixed by the contract; a reshaped one must just not fail.
                Expected = shape == EventShape.AsSent ? c.Expected : null,
            }));

    private static Gen<PayloadFormat> Format => Gen.OneOf(PayloadFormat.HttpApi, PayloadFormat.RestApi);

    private static Gen<EventShape> Shape => Gen.Frequency(
        (20, Gen.Const(EventShape.AsSent)),
        (1, Gen.Const(EventShape.NullHeaders)),
        (1, Gen.Const(EventShape.NoRequestId)),
        (1, Gen.Const(EventShape.WithCookies)));

    private Gen<HostileCase> OrgWriteWithForgedToken =>
        from target in OrgWriteTarget
        from authorization in ForgedAuthorization
        from body in AnyBody
        select Case("org write, forged token", target.Method, target.Path, JsonContent(body), authorization, [401]);

    private Gen<HostileCase> OrgWriteByWrongCaller =>
        from target in OrgWriteTarget
        from who in Gen.Int[0, 1]
        from body in AnyBody
        let token = who == 0 ? _world.WorkerToken
            // A real org, but never the one in the path.
            : _world.OrgTokens.First(t => target.Path != "/orgs/" + t.Key).Value
        select target.Path == "/orgs" && who == 1
            ? Case("org create, org exists", "POST", "/orgs", JsonContent(body), [("Authorization", "Bearer " + token)], [400, 409])
            : Case("org write, wrong caller", target.Method, target.Path, JsonContent(body), [("Authorization", "Bearer " + token)], [403]);

    private Gen<HostileCase> OrgWriteWithInvalidBody =>
        from own in Gen.OneOf(_world.KnownOrgIds.Append(_world.FreshOrgId).ToArray())
        from create in Gen.Bool
        from body in InvalidOrgBody
        from ifMatch in Gen.Frequency((3, NoText), (1, IfMatchValue))
        let token = own == _world.FreshOrgId ? _world.FreshOrgToken : _world.OrgTokens[own]
        let headers = ifMatch is null || create ? [("Authorization", "Bearer " + token)] : new[] { ("Authorization", "Bearer " + token), ("If-Match", ifMatch) }
        select create
            ? Case("org create, invalid body", "POST", "/orgs", JsonContent(body), [("Authorization", "Bearer " + _world.FreshOrgToken)], [400])
            : Case("org replace, invalid body", "PUT", "/orgs/" + own, JsonContent(body), headers, [400]);

    private Gen<HostileCase> OrgWriteRefusedByState =>
        from kind in Gen.Int[0, 2]
        from own in Gen.OneOf(_world.KnownOrgIds.ToArray())
        from profile in PlausibleProfile
        from stale in Gen.OneOf("\"0\"", "\"99\"", "W/\"1\"", "W/\"2\"", "\"3\", \"4\"", "\"18446744073709551616\"")
        select kind switch
        {
            0 => Case("org create, exists", "POST", "/orgs", JsonContent(profile), [("Authorization", "Bearer " + _world.OrgTokens[own])], [400, 409]),
            1 => Case("org replace, stale If-Match", "PUT", "/orgs/" + own, JsonContent(profile),
                [("Authorization", "Bearer " + _world.OrgTokens[own]), ("If-Match", stale)], [400, 412]),
            _ => Case("org replace, never created", "PUT", "/orgs/" + _world.FreshOrgId, JsonContent(profile),
                [("Authorization", "Bearer " + _world.FreshOrgToken)], [400, 404]),
        };

    private Gen<HostileCase> OtpRequestInvalid =>
        from body in InvalidOtpRequestBody
        select Case("otp request, invalid body", "POST", "/otp", JsonContent(body), [], [400]);

    private Gen<HostileCase> OtpVerifyInvalid =>
        from path in Gen.OneOf("/otp/verify", "/authenticate")
        from body in InvalidOtpVerifyBody
        select Case("otp verify, invalid body", "POST", path, JsonContent(body), [], [400]);

    /// <summary>Well formed, for a primary that never asked for an OTP: refused as unknown, and nothing recorded.</summary>
    private Gen<HostileCase> OtpVerifyUnknown =>
        from path in Gen.OneOf("/otp/verify", "/authenticate")
        from local in Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"], 1, 20]
        from otpId in Gen.String[Gen.Char["0123456789abcdefABCDEF"], 32, 32]
        from code in Gen.String[Gen.Char["0123456789"], 6, 6]
        select Case("otp verify, unknown", "POST", path,
            JsonContent(Json(("primary", Str($"never-{local}@example.com")), ("role", Str("org")), ("country", Str("SG")), ("otpId", Str(otpId)), ("code", Str(code)))),
            [], [401]);

    private Gen<HostileCase> WrongContentType =>
        from route in BodyRouteAndMethod
        from contentType in Gen.OneOf<string?>(
            null, "", "text/plain", "application/json; charset=iso-8859-1", "application/json; charset=utf-16", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/jsonx", "application/json; foo=bar", "application/json; charset=utf-8; charset=utf-8",
            "json", "application/*", "*/*", "application/problem+json", "text/json", "application/json\u0000", "applicati\u00f6n/json")
        from duplicate in Gen.Bool
        from body in SmallBody
        from authorization in ForgedAuthorization
        let headers = contentType is null ? authorization
            : duplicate ? [.. authorization, ("Content-Type", "application/json"), ("Content-Type", contentType)]
            : [.. authorization, ("Content-Type", contentType)]
        select Case("wrong content type", route.Method, route.Path, body.Length == 0 ? " " : body, headers, [415]);

    private Gen<HostileCase> TooLarge =>
        from route in BodyRouteAndMethod
        from size in Gen.OneOf(MaxBodyBytes + 1, MaxBodyBytes + 2, 70_000, 300_000)
        from base64 in Gen.Bool
        from filler in Gen.OneOf("a", "é", "😀")
        from authorization in ForgedAuthorization
        let text = "{\"name\":\"" + string.Concat(Enumerable.Repeat(filler, (size / Encoding.UTF8.GetByteCount(filler)) + 1)) + "\"}"
        let request = new ApiRequest(route.Method, route.Path) { Headers = [.. authorization.Select(h => KeyValuePair.Create(h.Name, h.Value)), KeyValuePair.Create("Content-Type", "application/json")] }
        select new HostileCase("body over 64 KiB", base64 ? request.WithBinaryBody(Encoding.UTF8.GetBytes(text)) : request with { Body = text },
            PayloadFormat.HttpApi, EventShape.AsSent, [413]);

    private Gen<HostileCase> Base64Body =>
        from route in Gen.OneOf("/otp", "/otp/verify", "/authenticate")
        from bytes in Gen.Frequency(
            (3, Gen.Byte.Array[1, 200]),
            (2, Gen.OneOf(new byte[] { 0xC0, 0x80 }, [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFF, 0xFE, 0x7B, 0x00], [0x7B, 0x22, 0xE2, 0x28, 0xA1, 0x22, 0x7D])
                .Select(invalid => (byte[])[.. "{\"primary\":\""u8.ToArray(), .. invalid, .. "\",\"role\":\"org\",\"country\":\"SG\"}"u8.ToArray()])))
        from mangle in Gen.Frequency((4, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2)))
        let encoded = Convert.ToBase64String(bytes)
        let body = mangle switch
        {
            1 => encoded + "!*",
            2 => "%%%" + encoded[1..],
            _ => encoded,
        }
        where mangle != 0 || !IsValidUtf8Json(bytes)
        select new HostileCase("base64 body, not UTF-8 or not base64", new ApiRequest("POST", route) { Body = body, IsBase64Encoded = true }
            .WithHeader("Content-Type", "application/json"), PayloadFormat.HttpApi, EventShape.AsSent, [400]);

    private static Gen<HostileCase> RandomRoute =>
        from method in Gen.Frequency(
            (6, Gen.OneOf("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT")),
            (2, Gen.OneOf("get", "Post", "PUT ", " GET", "", "G\u0000ET", "PUT\r\nX: y", "ÄNDERN", "M-SEARCH")),
            (1, Gen.String[Gen.Char, 0, 12]))
        from path in RandomPath
        from query in Gen.Frequency((3, NoText), (1, RandomQuery))
        from body in Gen.Frequency((2, NoText), (1, SmallBody.Select(b => (string?)b)))
        from contentType in Gen.OneOf<string?>(null, "application/json", "text/plain")
        select new HostileCase("random route", new ApiRequest(method, path)
        {
            Query = query,
            Body = body,
            Headers = contentType is null ? [] : [KeyValuePair.Create("Content-Type", contentType)],
        }, PayloadFormat.HttpApi, EventShape.AsSent, null);

    private Gen<HostileCase> ReadOrg =>
        from id in Gen.Frequency(
            (2, Gen.OneOf(_world.KnownOrgIds.ToArray())),
            (3, OddText.Select(PercentEncode)),
            (1, Gen.OneOf("%", "%ZZ", "%00", "%2F", "%2e%2e", "..", ".", "%E0%A4", "%F0%9F%98", "a%20b", new string('x', 129), new string('x', 10_000))))
        from query in Gen.Frequency(
            (2, NoText),
            (2, Gen.OneOf<string?>("minVersion=1", "minVersion=0", "minVersion=99", "minVersion=-1", "minVersion=1.5", "minVersion=%2B1", "minVersion=1&minVersion=2",
                "minVersion=", "minVersion", "minVersion=99999999999999999999", "minVersion=٣", "minVersion=１", "minversion=1", "a=b&&&=&minVersion=1")),
            (1, RandomQuery.Select(q => (string?)q)))
        from ifNoneMatch in Gen.Frequency((3, NoText), (1, IfMatchValue.Select(v => (string?)v)))
        select new HostileCase("read org", new ApiRequest("GET", "/orgs/" + id)
        {
            Query = query,
            Headers = ifNoneMatch is null ? [] : [KeyValuePair.Create("If-None-Match", ifNoneMatch)],
        }, PayloadFormat.HttpApi, EventShape.AsSent, null);

    private static Gen<HostileCase> Jwks =>
        from query in Gen.Frequency((3, NoText), (1, RandomQuery.Select(q => (string?)q)))
        select new HostileCase("jwks", new ApiRequest("GET", "/.well-known/jwks.json") { Query = query }, PayloadFormat.HttpApi, EventShape.AsSent, [200]);

    private Gen<(string Method, string Path)> OrgWriteTarget => Gen.Frequency(
        (2, Gen.Const(("POST", "/orgs"))),
        (2, Gen.OneOf(_world.KnownOrgIds.ToArray()).Select(id => ("PUT", "/orgs/" + id))),
        (1, Gen.Const(("PUT", "/orgs/" + _world.FreshOrgId))),
        (1, OddText.Where(t => t.Length > 0).Select(t => ("PUT", "/orgs/" + PercentEncode(t)))));

    private static Gen<(string Method, string Path)> BodyRouteAndMethod =>
        Gen.OneOf(BodyRoutes).SelectMany(path => path == "/orgs"
            ? Gen.OneOf(("POST", "/orgs"), ("PUT", "/orgs/hostile-known-1"))
            : Gen.Const(("POST", path)));

    /// <summary>Authorization headers that carry no valid token: none, garbage, forged, or two at once.</summary>
    private Gen<(string Name, string Value)[]> ForgedAuthorization => Gen.Frequency(
        (2, Gen.Const(Array.Empty<(string, string)>())),
        (6, Gen.OneOf(_world.ForgedTokens.ToArray()).Select(t => new[] { ("Authorization", "Bearer " + t) })),
        (2, Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."], 1, 300].Select(t => new[] { ("Authorization", "Bearer " + t) })),
        (2, Gen.OneOf("Bearer", "Bearer ", "Bearer  ", "bearer", "Basic dXNlcjpwYXNz", "Token abc", "Bearer a b", "Bearer \u0000", "Bearer ===", "Bearer\tabc",
            "Bearer " + _world.OrgTokens.First().Value + " extra", "Bearer " + _world.OrgTokens.First().Value + "\u202e", "Bearer " + _world.OrgTokens.First().Value[1..],
            "Bearer " + new string('a', 8_193), "BEARER_" + _world.OrgTokens.First().Value).Select(v => new[] { ("Authorization", v) })),
        (1, OddText.Select(v => new[] { ("Authorization", "Bearer " + v) })),
        (1, Gen.Const(new[] { ("Authorization", "Bearer " + _world.OrgTokens.First().Value), ("Authorization", "Bearer " + _world.OrgTokens.Last().Value) })));

    /// <summary>Extra headers; never one that decides the case's outcome (content type, authorization, preconditions).</summary>
    private static Gen<KeyValuePair<string, string>[]> RandomHeaders(string kind) =>
        Gen.Select(
                Gen.Frequency(
                    (6, Gen.OneOf("X-Correlation-Id", "X-Forwarded-For", "Accept", "Accept-Language", "User-Agent", "Cookie", "X-Request-Id",
                        "Content-Length", "Transfer-Encoding", "Host", "Origin", "X-Amzn-Trace-Id", "Accept-Encoding", "Expect", "Range")),
                    (2, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz-"], 1, 30]),
                    (1, OddText.Where(t => t.Length > 0)),
                    (kind == "read org" ? 2 : 0, Gen.OneOf("If-None-Match", "If-Match", "If-Modified-Since"))),
                Gen.Frequency((3, OddText), (1, LongHeaderValue), (1, Gen.OneOf("a\r\nX-Injected: 1", "\"*\"", "*", ",,,", "W/"))),
                (name, value) => KeyValuePair.Create(name, value))
            .Where(h => !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .Array[0, 4];

    private static Gen<string> IfMatchValue => Gen.Frequency(
        (3, Gen.OneOf("", "1", "\"", "\"1", "1\"", "W/", "W/1", "\"1\" \"2\"", "\"1\",,", "\"-1\"", "\"1.0\"", "\"٣\"", "**", "* , \"1\"", "\"a\"", "w/\"1\"", "\"\u0000\"")),
        (1, OddText));

    private static Gen<string> RandomPath => Gen.Frequency(
        (3, Gen.OneOf("/", "//", "/otp/", "/OTP", "/otp/verify/", "/orgs/", "/orgs//x", "/orgs/a/b", "/Orgs/x", "/.well-known/jwks.json/", "/.well-known/",
            "/orgs/%2F", "/orgs/..%2Fotp", "/authenticate/x", "/orgs?x=1", "/orgs#frag", "/%", "/%00", "/\u0000", "/otp;a=b", "/otp%2Fverify", "/index.html",
            "/prod/orgs", "/orgs/\ud800", "/orgs/\u202e")),
        (2, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789/%.-_~"], 0, 60].Select(p => "/" + p)),
        (1, OddText.Select(p => "/" + p)),
        (1, Gen.OneOf(1_000, 10_000, 100_000).Select(n => "/" + new string('a', n))));

    private static Gen<string> RandomQuery =>
        Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789=&%+.;"], 0, 80];

    /// <summary>Any small body, valid JSON or not.</summary>
    private static Gen<string> AnyBody => Gen.Frequency(
        (2, PlausibleProfile),
        (3, InvalidOrgBody.Where(b => Encoding.UTF8.GetByteCount(b) <= MaxBodyBytes)),
        (1, SmallBody));

    private static Gen<string> SmallBody => Gen.Frequency(
        (2, Gen.String[Gen.Char["{}[]\":,\\ ntrufalse0123456789.eE+-abc"], 0, 80]),
        (1, OddText),
        (1, Gen.OneOf("", " ", "{}", "[]", "null", "\"x\"", "{\"a\":", "\ufeff{}", "{}{}", "{\"name\":\"a\"}garbage")));

    /// <summary>A profile that may well be valid: only meets requests refused for another reason.</summary>
    private static Gen<string> PlausibleProfile =>
        Gen.Select(OddText, OddText, Gen.Frequency((2, NoText), (1, OddText.Select(t => (string?)t))),
            (name, location, description) => Json(("name", Str("P" + name)), ("location", Str("L" + location)), ("description", description is null ? "null" : Str(description))));

    /// <summary>An org body with at least one defect the contract says is a 400.</summary>
    private static Gen<string> InvalidOrgBody => Gen.Frequency(
        (6, Gen.Select(FieldDefect(["name", "location", "description"]), OddText, OddText, OddText, ExtraMembers,
            (defect, name, location, description, extra) => ObjectWithDefect(defect, [("name", Str(name)), ("location", Str(location)), ("description", Str(description))], extra))),
        (3, StructurallyBrokenBody));

    private static Gen<string> InvalidOtpRequestBody => Gen.Frequency(
        (6, Gen.Select(OtpDefect, OddText, ExtraMembers,
            (defect, primary, extra) => ObjectWithDefect(defect, [("primary", Str(primary.Length % 2 == 0 ? "someone@example.com" : primary)), ("role", Str("org")), ("country", Str("SG"))], extra))),
        (2, StructurallyBrokenBody));

    private Gen<string> InvalidOtpVerifyBody => Gen.Frequency(
        (6, Gen.Select(Gen.Frequency((2, OtpDefect), (3, VerifyDefect)), ExtraMembers,
            (defect, extra) => ObjectWithDefect(defect,
                [("primary", Str(_world.SeededPrimary)), ("role", Str("org")), ("country", Str("SG")), ("otpId", Str("0123456789abcdef0123456789abcdef")), ("code", Str("123456"))], extra))),
        (2, StructurallyBrokenBody));

    /// <summary>A JSON text that is no usable object: broken syntax, too deep, a scalar, empty.</summary>
    private static Gen<string> StructurallyBrokenBody => Gen.Frequency(
        (2, Gen.OneOf("", " ", "\r\n\t", "\ufeff", "null", "true", "0", "\"x\"", "[]", "[{}]", "{", "}", "{\"name\"}", "{\"name\":}", "{'name':'a'}",
            "{\"name\":\"a\",}", "{name:\"a\"}", "{\"name\":\"a\"\"location\":\"b\"}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":01}", "{\"a\":\"\\x41\"}",
            "{\"a\":\"\\u12\"}", "{\"a\":\"\u0001\"}", "/* c */{}", "{}//", "\u0000{}", "{\"a\":1}\u0000")),
        (2, Gen.Int[33, 30_000].Select(depth => new string('[', depth) + new string(']', depth))),
        (1, Gen.Int[33, 5_000].Select(depth => string.Concat(Enumerable.Repeat("{\"name\":", depth)) + "1" + new string('}', depth))),
        (1, Gen.Int[1, 200].Select(depth => "{\"name\":" + new string('[', depth))),
        (2, Gen.String[Gen.Char, 1, 60]));

    private static Gen<(string Field, string? Json)> FieldDefect(string[] fields) =>
        from name in Gen.OneOf(fields)
        from value in name == "description"
            ? Gen.Frequency(
                (2, WrongKind.Select(v => (string?)v)),
                // Between letters: a control character at either end is whitespace to Trim and would just be cut off.
                (2, Gen.Select(OddText, Gen.Char['\u0000', '\u0008'], (t, c) => (string?)Str(t + "a" + c + "b"))),
                (1, Gen.OneOf<string?>(Str("a\u000bb"), Str("\u001b[31m"), Str(new string('d', 1_201)), Str(string.Concat(Enumerable.Repeat("😀", 1_201))))))
            : Gen.Frequency(
                (1, NoText),
                (1, Gen.Const((string?)"null")),
                (2, WrongKind.Select(v => (string?)v)),
                (2, Gen.OneOf<string?>(Str(""), Str(" "), Str("\u3000\u00a0 "), Str("\t"), Str("\r\n"))),
                (2, Gen.Select(OddText, Gen.Char['\u0000', '\u001f'], (t, c) => (string?)Str(t + "a" + c + "b"))),
                (1, Gen.Select(Gen.Int[name == "name" ? 121 : 151, 2_000], Gen.OneOf("x", "😀", "e\u0301"), (n, unit) => (string?)Str(string.Concat(Enumerable.Repeat(unit, n))))),
                (1, Gen.Const<string?>("\"\\ud800\"")))
        select (name, value);

    /// <summary>A defect in role or country (or a missing or mistyped primary): always a 400, whatever the primary.</summary>
    private static Gen<(string Field, string? Json)> OtpDefect => Gen.Frequency(
        (2, Gen.Select(Gen.OneOf("primary", "role", "country"), AbsentNullOrWrongKind,
            (f, value) => (f, value))),
        (2, OddText.Where(r => !OtpRoles.TryNormalize(r, out _)).Select(r => ("role", (string?)Str(r)))),
        (2, OddText.Where(c => !Countries.TryNormalize(c, out _)).Select(c => ("country", (string?)Str(c)))),
        (1, Gen.OneOf("sg ", "XX", "SGP", "S G", "EU", "US", "id\u0000", "Ｓ Ｇ").Where(c => !Countries.TryNormalize(c, out _)).Select(c => ("country", (string?)Str(c)))),
        (1, Gen.OneOf("admin", "Org\u0000", "worker,org", "ORGS", "").Select(r => ("role", (string?)Str(r)))));

    /// <summary>A malformed OTP id or code: a 400 before the stream is ever read.</summary>
    private static Gen<(string Field, string? Json)> VerifyDefect => Gen.Frequency(
        (2, Gen.Select(Gen.OneOf("otpId", "code"), AbsentNullOrWrongKind,
            (f, value) => (f, value))),
        (3, Gen.OneOf("12345", "1234567", "12a456", "١٢٣٤٥٦", "１２３４５６", " 123456", "123456 ", "12345\u0000", "", "-12345", "+12345", "1e5000", "12 456")
            .Select(c => ("code", (string?)Str(c)))),
        (2, Gen.OneOf("0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0", "g123456789abcdef0123456789abcdef", "", "0123456789abcdef-0123456789abcdef",
            "{01234567-89ab-cdef-0123-456789abcdef}", "０123456789abcdef0123456789abcdef").Select(id => ("otpId", (string?)Str(id)))),
        (1, OddText.Where(t => !OtpIds.TryNormalize(t, out _)).Select(t => ("otpId", (string?)Str(t)))));

    /// <summary>Unknown members, which must be ignored: odd names, deep values, duplicates of nothing known.</summary>
    private static Gen<(string Name, string Json)[]> ExtraMembers => Gen.Select(
            Gen.Frequency((3, OddText), (1, Gen.OneOf("__proto__", "constructor", "$type", "Name", "NAME", ""))),
            Gen.Frequency((3, OddText.Select(Str)), (1, WrongKind), (1, Gen.Int[1, 20].Select(d => new string('[', d) + new string(']', d)))),
            (name, value) => (name, value))
        .Where(m => m.Item1 is not ("name" or "location" or "description" or "primary" or "role" or "country" or "otpId" or "code"))
        .Array[0, 3];

    /// <summary>The object with <paramref name="defect"/> applied (a null JSON removes the member) and the extras mixed in.</summary>
    private static string ObjectWithDefect((string Field, string? Json) defect, (string Name, string Json)[] members, (string Name, string Json)[] extra)
    {
        var result = new List<(string, string)>();
        foreach (var (name, json) in members)
        {
            if (name != defect.Field)
            {
                result.Add((name, json));
            }
            else if (defect.Json is not null)
            {
                result.Add((name, defect.Json));
            }
        }

        foreach (var member in extra)
        {
            result.Insert(result.Count == 0 ? 0 : member.Name.Length % (result.Count + 1), member);
        }

        return Json([.. result]);
    }

    private static HostileCase Case(string kind, string method, string path, (string? Body, (string, string)[] Headers) content, (string Name, string Value)[] headers, int[]? expected) =>
        new(kind, new ApiRequest(method, path)
        {
            Body = content.Body,
            Headers = [.. content.Headers.Concat(headers).Select(h => KeyValuePair.Create(h.Item1, h.Item2))],
        }, PayloadFormat.HttpApi, EventShape.AsSent, expected);

    private static HostileCase Case(string kind, string method, string path, string body, (string Name, string Value)[] headers, int[]? expected) =>
        Case(kind, method, path, (body, []), headers, expected);

    /// <summary>A body sent as JSON; an oversized one is cut below the limit so the case keeps its meaning.</summary>
    private static (string? Body, (string, string)[] Headers) JsonContent(string body) =>
        (Encoding.UTF8.GetByteCount(body) > MaxBodyBytes ? body[..(MaxBodyBytes / 4)] : body, [("Content-Type", "application/json")]);

    private static readonly JsonSerializerOptions Escaping = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A JSON string literal; lone surrogates come out as escapes (valid JSON text, invalid Unicode).</summary>
    public static string Str(string value) => JsonSerializer.Serialize(value, Escaping);

    public static string Json(params (string Name, string Json)[] members) =>
        "{" + string.Join(",", members.Select(m => Str(m.Name) + ":" + m.Json)) + "}";

    private static bool IsValidUtf8Json(byte[] bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        try
        {
            using var _ = JsonDocument.Parse(bytes);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Percent-encodes the UTF-8 of <paramref name="text"/> as a client would (a lone surrogate goes out as U+FFFD).</summary>
    public static string PercentEncode(string text)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    public static string Describe(int iteration, string caseSeed) =>
        string.Create(CultureInfo.InvariantCulture, $"iteration {iteration}, case seed {caseSeed}");
}
