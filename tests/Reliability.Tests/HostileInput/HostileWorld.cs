using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.Reliability.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.Reliability.Tests.HostileInput;

/// <summary>
/// What the hostile generators draw from: the orgs and the OTP that exist, valid tokens (which only
/// ever meet a request that must be refused anyway) and tokens forged every way a client can.
/// </summary>
public sealed record HostileWorld(
    IReadOnlyList<string> KnownOrgIds,
    IReadOnlyDictionary<string, string> OrgTokens,
    string FreshOrgId,
    string FreshOrgToken,
    string WorkerToken,
    IReadOnlyList<string> ForgedTokens,
    string SeededPrimary,
    IReadOnlyList<JsonObject> ReplayableEnvelopes)
{
    /// <summary>
    /// Seeds <paramref name="service"/> with three projected orgs and one OTP, and forges tokens with
    /// the service's own key file where a forgery needs a real signature (expired, wrong issuer).
    /// </summary>
    public static async Task<HostileWorld> SeedAsync(ServiceHarness service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var knownOrgIds = new[] { "hostile-known-1", "hostile-known-2", "hostile-known-3" };
        var orgTokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var orgId in knownOrgIds)
        {
            var token = orgTokens[orgId] = await service.TokenAsync(orgId);
            Expect(await service.SendAsync(ApiRequest.PostJson("/orgs", new OrgProfileText("Known " + orgId, "Singapore", "Seeded").ToJson(), token)), 201);
        }

        Expect(await service.SendAsync(ApiRequest.PutJson($"/orgs/{knownOrgIds[0]}", new OrgProfileText("Known, updated", "Hanoi", null).ToJson(), orgTokens[knownOrgIds[0]])), 200);
        const string seededPrimary = "seeded.owner@example.com";
        Expect(await service.SendAsync(ApiRequest.PostJson("/otp", $$"""{"primary":"{{seededPrimary}}","role":"org","country":"SG"}""")), 202);

        var envelopes = new List<JsonObject>();
        foreach (var orgId in knownOrgIds)
        {
            foreach (var stored in await service.ReadStreamAsync("org-" + orgId))
            {
                envelopes.Add(JsonNode.Parse(Infrastructure.Serialization.EventSerializer.ToEnvelopeJson(stored))!.AsObject());
            }
        }

        var freshOrgId = "hostile-fresh-" + Guid.NewGuid().ToString("N")[..8];
        var valid = orgTokens[knownOrgIds[1]];
        return new HostileWorld(
            knownOrgIds,
            orgTokens,
            freshOrgId,
            await service.TokenAsync(freshOrgId),
            await service.TokenAsync("hostile-worker", role: "worker"),
            await ForgeAsync(service.DataDirectory, valid, knownOrgIds[0]),
            seededPrimary,
            envelopes);
    }

    private static void Expect(ApiResponse response, int status)
    {
        if (response.Status != status)
        {
            throw new InvalidOperationException($"Seeding the hostile world got {response}, not {status}.");
        }
    }

    private static async Task<IReadOnlyList<string>> ForgeAsync(string dataDirectory, string valid, string victimOrgId)
    {
        var parts = valid.Split('.');
        var header = JsonNode.Parse(Base64Url.Decode(parts[0]))!.AsObject();
        var payload = JsonNode.Parse(Base64Url.Decode(parts[1]))!.AsObject();
        string Segment(JsonNode node) => Base64Url.Encode(Encoding.UTF8.GetBytes(node.ToJsonString()));
        JsonObject With(JsonObject source, string name, JsonNode? value)
        {
            var copy = source.DeepClone().AsObject();
            copy[name] = value;
            return copy;
        }

        // Real signatures over claims that must still be refused: expired, or from another issuer.
        using var key = new LocalRsaSigningKey(dataDirectory);
        var yesterday = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-2));
        var expired = (await new JwtTokenService(key, new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(1)), yesterday)
            .IssueAsync(new TokenClaims(victimOrgId, "org", "SG"), CancellationToken.None)).Token;
        var otherIssuer = (await new JwtTokenService(key, new JwtOptions("not-cleancqrs", TimeSpan.FromHours(1)), TimeProvider.System)
            .IssueAsync(new TokenClaims(victimOrgId, "org", "SG"), CancellationToken.None)).Token;
        var otherDirectory = Path.Combine(Path.GetTempPath(), "cleancqrs-other-key-" + Guid.NewGuid().ToString("N")[..8]);
        string otherKey;
        try
        {
            using var foreignKey = new LocalRsaSigningKey(otherDirectory);
            otherKey = (await new JwtTokenService(foreignKey, new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(1)), TimeProvider.System)
                .IssueAsync(new TokenClaims(victimOrgId, "org", "SG"), CancellationToken.None)).Token;
        }
        finally
        {
            Directory.Delete(otherDirectory, recursive: true);
        }

        var victimPayload = With(payload, "sub", victimOrgId);
        var noneHeader = new JsonObject { ["alg"] = "none", ["typ"] = "JWT" };
        var hsHeader = With(header, "alg", "HS256");
        var hsInput = Segment(hsHeader) + "." + Segment(victimPayload);
        // The classic confusion: HMAC keyed with the public key, hoping the verifier takes alg from the token.
        var hsSignature = Base64Url.Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(header["kid"]!.GetValue<string>()), Encoding.ASCII.GetBytes(hsInput)));
        var flipped = valid[..^5] + (valid[^5] == 'A' ? 'B' : 'A') + valid[^4..];
        return
        [
            Segment(noneHeader) + "." + Segment(victimPayload) + ".",
            Segment(noneHeader) + "." + Segment(victimPayload) + "." + parts[2],
            Segment(With(header, "alg", "none")) + "." + parts[1] + "." + parts[2],
            Segment(With(header, "alg", "NONE")) + "." + Segment(victimPayload) + ".x",
            hsInput + "." + hsSignature,
            parts[1] + "." + parts[0] + "." + parts[2],
            parts[0] + "." + parts[2] + "." + parts[1],
            parts[2] + "." + parts[1] + "." + parts[0],
            parts[0] + "." + Segment(victimPayload) + "." + parts[2],
            parts[0] + "." + Segment(With(payload, "exp", 4_102_444_800L)) + "." + parts[2],
            parts[0] + "." + Segment(With(payload, "role", "admin")) + "." + parts[2],
            Segment(With(header, "kid", "other-key")) + "." + parts[1] + "." + parts[2],
            Segment(With(header, "crit", new JsonArray("exp"))) + "." + parts[1] + "." + parts[2],
            Segment(With(header, "jku", "http://127.0.0.1:1/jwks.json")) + "." + parts[1] + "." + parts[2],
            parts[0] + "." + parts[1] + "." + parts[2][..^8],
            parts[0] + "." + parts[1],
            parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[2],
            parts[0] + ".." + parts[2],
            valid + "=",
            valid.ToUpperInvariant(),
            flipped,
            parts[0] + "." + parts[1] + "." + Convert.ToBase64String(Base64Url.Decode(parts[2])),
            expired,
            otherIssuer,
            otherKey,
            new string('a', 9_000),
            "eyJhbGciOiJub25lIn0.e30.",
            "e30.e30.e30",
        ];
    }
}

/// <summary>base64url without padding (RFC 7515), for taking tokens apart and forging new ones.</summary>
public static class Base64Url
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
