using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.LambdaHost.Tests.Support;

/// <summary>Opaque tokens remembered in memory: issued tokens validate, anything else does not.</summary>
public sealed class FakeTokenService : ITokenIssuer, ITokenValidator, IJwksSource
{
    public const string Jwks = """{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"test-key","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}]}""";

    private readonly ConcurrentDictionary<string, TokenClaims> _tokens = new(StringComparer.Ordinal);

    private int _validations;

    public int Validations => Volatile.Read(ref _validations);

    public ValueTask<IssuedToken> IssueAsync(TokenClaims claims, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new IssuedToken(Mint(claims), 86_400));

    public ValueTask<TokenClaims?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _validations);
        return ValueTask.FromResult(_tokens.TryGetValue(token, out var claims) ? claims : null);
    }

    public ValueTask<string> GetJwksJsonAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Jwks);

    /// <summary>A valid token for <paramref name="claims"/>, without the OTP dance.</summary>
    public string Mint(TokenClaims claims)
    {
        var token = "test." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _tokens[token] = claims;
        return token;
    }
}

/// <summary>Codes derived from the OTP id by a fixed hash: deterministic, and never stored.</summary>
public sealed class DeterministicOtpCodes : IOtpCodes
{
    public static string CodeFor(string otpId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("test-key:" + otpId));
        return (BitConverter.ToUInt32(hash, 0) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A well-formed code that is not the one for <paramref name="otpId"/>.</summary>
    public static string WrongCodeFor(string otpId) => CodeFor(otpId) == "000000" ? "000001" : "000000";

    public ValueTask<string> DeriveAsync(string otpId, CancellationToken cancellationToken) => ValueTask.FromResult(CodeFor(otpId));

    public ValueTask<bool> MatchesAsync(string otpId, string code, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(CodeFor(otpId)), Encoding.ASCII.GetBytes(code)));
}

public sealed class RecordingOtpSender : IOtpSender
{
    private readonly ConcurrentQueue<OtpMessage> _sent = new();

    public IReadOnlyList<OtpMessage> Sent => [.. _sent];

    /// <summary>How many of the next sends throw (a delivery handler failing in the consumer).</summary>
    public int FailNext { get; set; }

    public ValueTask SendAsync(OtpMessage message, CancellationToken cancellationToken)
    {
        if (FailNext > 0)
        {
            FailNext--;
            throw new InvalidOperationException("The SMS gateway is down (test).");
        }

        _sent.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}
