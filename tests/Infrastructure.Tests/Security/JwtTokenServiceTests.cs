using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Security;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace CleanCqrs.Infrastructure.Tests.Security;

public sealed class JwtTokenServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);
    private static readonly TokenClaims Claims = new("6f1c2d3e-4b5a-5c6d-8e7f-0a1b2c3d4e5f", "org", "SG");

    private TemporaryDataDirectory _directory = null!;
    private LocalRsaSigningKey _key = null!;
    private FakeTimeProvider _clock = null!;
    private JwtTokenService _service = null!;

    [OneTimeSetUp]
    public void CreateKey()
    {
        _directory = new TemporaryDataDirectory();
        _key = new LocalRsaSigningKey(_directory.Path);
    }

    [OneTimeTearDown]
    public void RemoveKey()
    {
        _key.Dispose();
        _directory.Dispose();
    }

    [SetUp]
    public void CreateService()
    {
        _clock = new FakeTimeProvider(Start);
        _service = new JwtTokenService(_key, new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(24)), _clock);
    }

    [Test]
    public async Task Issued_token_validates_with_all_claims()
    {
        var issued = await _service.IssueAsync(Claims, CancellationToken.None);

        var claims = await _service.ValidateAsync(issued.Token, CancellationToken.None);

        Assert.That(claims, Is.EqualTo(Claims));
        Assert.That(issued.ExpiresInSeconds, Is.EqualTo(24 * 3600));
        using var payload = JsonDocument.Parse(Segment(issued.Token, 1));
        var root = payload.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("iss").GetString(), Is.EqualTo("cleancqrs"));
            Assert.That(root.GetProperty("sub").GetString(), Is.EqualTo(Claims.Subject));
            Assert.That(root.GetProperty("role").GetString(), Is.EqualTo("org"));
            Assert.That(root.GetProperty("country").GetString(), Is.EqualTo("SG"));
            Assert.That(root.GetProperty("iat").GetInt64(), Is.EqualTo(Start.ToUnixTimeSeconds()));
            Assert.That(root.GetProperty("exp").GetInt64(), Is.EqualTo(Start.AddHours(24).ToUnixTimeSeconds()));
        });
    }

    [Test]
    public async Task Header_carries_rs256_jwt_and_the_key_id()
    {
        var issued = await _service.IssueAsync(Claims, CancellationToken.None);
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);

        using var header = JsonDocument.Parse(Segment(issued.Token, 0));

        Assert.Multiple(() =>
        {
            Assert.That(header.RootElement.GetProperty("alg").GetString(), Is.EqualTo("RS256"));
            Assert.That(header.RootElement.GetProperty("typ").GetString(), Is.EqualTo("JWT"));
            Assert.That(header.RootElement.GetProperty("kid").GetString(), Is.EqualTo(publicKey.KeyId));
        });
    }

    [Test]
    public async Task Token_uses_unpadded_base64url()
    {
        var issued = await _service.IssueAsync(Claims, CancellationToken.None);

        Assert.That(issued.Token, Does.Match("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"));
    }

    [Test]
    public async Task Issuer_and_lifetime_come_from_the_options()
    {
        var custom = new JwtTokenService(_key, new JwtOptions("https://auth.example", TimeSpan.FromMinutes(15)), _clock);

        var issued = await custom.IssueAsync(Claims, CancellationToken.None);

        using var payload = JsonDocument.Parse(Segment(issued.Token, 1));
        Assert.Multiple(() =>
        {
            Assert.That(issued.ExpiresInSeconds, Is.EqualTo(900));
            Assert.That(payload.RootElement.GetProperty("iss").GetString(), Is.EqualTo("https://auth.example"));
            Assert.That(payload.RootElement.GetProperty("exp").GetInt64(), Is.EqualTo(Start.ToUnixTimeSeconds() + 900));
        });
    }

    [Test]
    public async Task Rejects_token_with_a_flipped_payload_byte()
    {
        var token = (await _service.IssueAsync(Claims, CancellationToken.None)).Token;
        var parts = token.Split('.');
        var payload = Base64Url.DecodeFromChars(parts[1]);
        payload[payload.Length / 2] ^= 0x01;

        var tampered = $"{parts[0]}.{Base64Url.EncodeToString(payload)}.{parts[2]}";

        Assert.That(await _service.ValidateAsync(tampered, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_token_with_changed_claims_and_the_original_signature()
    {
        var token = (await _service.IssueAsync(Claims, CancellationToken.None)).Token;
        var parts = token.Split('.');
        var forged = Encode(Segment(token, 1).Replace("\"role\":\"org\"", "\"role\":\"admin\"", StringComparison.Ordinal));

        Assert.That(await _service.ValidateAsync($"{parts[0]}.{forged}.{parts[2]}", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_token_with_a_flipped_signature_byte()
    {
        var token = (await _service.IssueAsync(Claims, CancellationToken.None)).Token;
        var parts = token.Split('.');
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[10] ^= 0x80;

        var tampered = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature)}";

        Assert.That(await _service.ValidateAsync(tampered, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_every_single_character_change()
    {
        var token = (await _service.IssueAsync(Claims, CancellationToken.None)).Token;
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var accepted = new List<int>();

        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.')
            {
                continue;
            }

            var chars = token.ToCharArray();
            chars[i] = alphabet[(alphabet.IndexOf(chars[i], StringComparison.Ordinal) + 1) % alphabet.Length];
            if (await _service.ValidateAsync(new string(chars), CancellationToken.None) is not null)
            {
                accepted.Add(i);
            }
        }

        Assert.That(accepted, Is.Empty, "positions whose change was still accepted");
    }

    [Test]
    public async Task Rejects_unsigned_alg_none_token()
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);
        var header = Encode($$"""{"alg":"none","typ":"JWT","kid":"{{publicKey.KeyId}}"}""");
        var payload = Encode(ValidPayload());

        Assert.Multiple(async () =>
        {
            Assert.That(await _service.ValidateAsync($"{header}.{payload}.", CancellationToken.None), Is.Null);
            Assert.That(await _service.ValidateAsync($"{header}.{payload}", CancellationToken.None), Is.Null);
        });
    }

    [TestCase("none")]
    [TestCase("None")]
    [TestCase("NONE")]
    [TestCase("rs256")]
    [TestCase("RS512")]
    [TestCase("PS256")]
    public async Task Rejects_other_alg_even_with_a_real_signature(string alg)
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);

        var token = await SignAsync($$"""{"alg":"{{alg}}","typ":"JWT","kid":"{{publicKey.KeyId}}"}""", ValidPayload());

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_alg_none_header_on_an_issued_token()
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);
        var parts = (await _service.IssueAsync(Claims, CancellationToken.None)).Token.Split('.');
        var none = Encode($$"""{"alg":"none","typ":"JWT","kid":"{{publicKey.KeyId}}"}""");

        Assert.That(await _service.ValidateAsync($"{none}.{parts[1]}.{parts[2]}", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_missing_alg()
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);

        var token = await SignAsync($$"""{"typ":"JWT","kid":"{{publicKey.KeyId}}"}""", ValidPayload());

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_hs256_token_keyed_with_the_public_key()
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);
        using var rsa = RSA.Create(publicKey.Parameters);
        var secrets = new Dictionary<string, byte[]>
        {
            ["SPKI PEM"] = Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()),
            ["SPKI DER"] = rsa.ExportSubjectPublicKeyInfo(),
            ["PKCS#1 DER"] = rsa.ExportRSAPublicKey(),
            ["JWKS"] = Encoding.UTF8.GetBytes(await _service.GetJwksJsonAsync(CancellationToken.None)),
        };
        var signingInput = Encode($$"""{"alg":"HS256","typ":"JWT","kid":"{{publicKey.KeyId}}"}""") + "." + Encode(ValidPayload());

        foreach (var (name, secret) in secrets)
        {
            var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
            var token = signingInput + "." + Base64Url.EncodeToString(signature);
            Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null, name);
        }
    }

    [Test]
    public async Task Rejects_wrong_issuer()
    {
        var other = new JwtTokenService(_key, new JwtOptions("someone-else", TimeSpan.FromHours(24)), _clock);
        var token = (await other.IssueAsync(Claims, CancellationToken.None)).Token;

        Assert.Multiple(async () =>
        {
            Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
            Assert.That(await other.ValidateAsync(token, CancellationToken.None), Is.EqualTo(Claims));
        });
    }

    [Test]
    public async Task Accepts_expired_token_within_the_30_second_skew()
    {
        var token = (await _service.IssueAsync(Claims, CancellationToken.None)).Token;

        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(30));

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.EqualTo(Claims));
    }

    [Test]
    public async Task Rejects_token_expired_beyond_the_30_second_skew()
    {
        var token = (await _service.IssueAsync(Claims, CancellationToken.None)).Token;

        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(1));

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_token_validated_before_is_still_refused_once_it_expires()
    {
        var token = (await _service.IssueAsync(Claims, CancellationToken.None)).Token;
        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.EqualTo(Claims));

        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(1));

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_validated_token_is_not_verified_again_but_its_signature_with_other_claims_is_still_refused()
    {
        var signing = new CountingKey(_key);
        var counting = new JwtTokenService(signing, new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(24)), _clock);
        var token = (await counting.IssueAsync(Claims, CancellationToken.None)).Token;
        Assert.That(await counting.ValidateAsync(token, CancellationToken.None), Is.EqualTo(Claims));
        var lookups = signing.PublicKeyLookups;

        Assert.That(await counting.ValidateAsync(token, CancellationToken.None), Is.EqualTo(Claims));
        Assert.That(signing.PublicKeyLookups, Is.EqualTo(lookups), "the second validation did not verify again");

        var parts = token.Split('.');
        var forged = Encode(Segment(token, 1).Replace("\"role\":\"org\"", "\"role\":\"admin\"", StringComparison.Ordinal));
        Assert.That(await counting.ValidateAsync($"{parts[0]}.{forged}.{parts[2]}", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Accepts_token_issued_up_to_30_seconds_ahead_of_this_clock()
    {
        var aheadClock = new FakeTimeProvider(Start + TimeSpan.FromSeconds(30));
        var ahead = new JwtTokenService(_key, new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(24)), aheadClock);

        var token = (await ahead.IssueAsync(Claims, CancellationToken.None)).Token;

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.EqualTo(Claims));
    }

    [Test]
    public async Task Rejects_token_issued_more_than_30_seconds_in_the_future()
    {
        var aheadClock = new FakeTimeProvider(Start + TimeSpan.FromSeconds(31));
        var ahead = new JwtTokenService(_key, new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(24)), aheadClock);

        var token = (await ahead.IssueAsync(Claims, CancellationToken.None)).Token;

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_token_not_yet_valid()
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);
        var now = Start.ToUnixTimeSeconds();
        var payload = $$"""{"iss":"cleancqrs","sub":"s","role":"org","country":"SG","iat":{{now}},"exp":{{now + 3600}},"nbf":{{now + 31}}}""";

        var token = await SignAsync(Header(publicKey.KeyId), payload);

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_unknown_kid()
    {
        var token = await SignAsync(Header("not-this-key"), ValidPayload());

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_token_signed_by_another_key()
    {
        using var otherDirectory = new TemporaryDataDirectory();
        using var otherKey = new LocalRsaSigningKey(otherDirectory.Path);
        var other = new JwtTokenService(otherKey, new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(24)), _clock);
        var foreign = (await other.IssueAsync(Claims, CancellationToken.None)).Token;
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);
        var parts = foreign.Split('.');

        Assert.Multiple(async () =>
        {
            Assert.That(await _service.ValidateAsync(foreign, CancellationToken.None), Is.Null);
            // The same token relabelled with this service's kid still fails the signature check.
            Assert.That(await _service.ValidateAsync($"{Encode(Header(publicKey.KeyId))}.{parts[1]}.{parts[2]}", CancellationToken.None), Is.Null);
        });
    }

    [TestCase("""{"iss":"cleancqrs","role":"org","country":"SG","iat":1795771800,"exp":1795858200}""", TestName = "Rejects_missing_sub")]
    [TestCase("""{"iss":"cleancqrs","sub":"s","country":"SG","iat":1795771800,"exp":1795858200}""", TestName = "Rejects_missing_role")]
    [TestCase("""{"iss":"cleancqrs","sub":"s","role":"org","iat":1795771800,"exp":1795858200}""", TestName = "Rejects_missing_country")]
    [TestCase("""{"iss":"cleancqrs","sub":"s","role":"org","country":"SG","iat":1795771800}""", TestName = "Rejects_missing_exp")]
    [TestCase("""{"sub":"s","role":"org","country":"SG","iat":1795771800,"exp":1795858200}""", TestName = "Rejects_missing_iss")]
    [TestCase("""{"iss":"cleancqrs","sub":"","role":"org","country":"SG","iat":1795771800,"exp":1795858200}""", TestName = "Rejects_empty_sub")]
    [TestCase("""{"iss":"cleancqrs","sub":42,"role":"org","country":"SG","iat":1795771800,"exp":1795858200}""", TestName = "Rejects_non_string_sub")]
    [TestCase("""{"iss":"cleancqrs","sub":"s","role":"org","country":"SG","iat":1795771800,"exp":"1795858200"}""", TestName = "Rejects_string_exp")]
    [TestCase("""{"iss":"cleancqrs","sub":"s","role":"org","country":"SG","iat":1795771800,"exp":1795858200.5}""", TestName = "Rejects_fractional_exp")]
    [TestCase("""{"iss":"cleancqrs","sub":"s","role":"org","country":"SG","iat":1795771800,"exp":99999999999999999}""", TestName = "Rejects_exp_out_of_range")]
    [TestCase("""{"iss":"cleancqrs","sub":"s","role":"org","role":"admin","country":"SG","iat":1795771800,"exp":1795858200}""", TestName = "Rejects_duplicate_claim")]
    [TestCase("""["cleancqrs"]""", TestName = "Rejects_payload_that_is_not_an_object")]
    [TestCase("""null""", TestName = "Rejects_null_payload")]
    [TestCase("""{"iss":"cleancqrs",""", TestName = "Rejects_truncated_payload_json")]
    public async Task Rejects_signed_token_with_bad_claims(string payload)
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);

        var token = await SignAsync(Header(publicKey.KeyId), payload);

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Accepts_signed_token_with_extra_claims_and_without_iat()
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);
        var payload = """{"iss":"cleancqrs","sub":"s","role":"org","country":"SG","exp":1795858200,"jti":"x","extra":{"a":[1,2]}}""";

        var token = await SignAsync(Header(publicKey.KeyId), payload);

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.EqualTo(new TokenClaims("s", "org", "SG")));
    }

    [TestCase("""{"alg":"RS256","typ":"JWT"}""", TestName = "Rejects_missing_kid")]
    [TestCase("""{"alg":"RS256","typ":"JWT","kid":"{kid}","crit":["exp"]}""", TestName = "Rejects_crit_header")]
    [TestCase("""{"alg":"RS256","typ":"JWE","kid":"{kid}"}""", TestName = "Rejects_other_typ")]
    [TestCase("""{"alg":"RS256","alg":"none","kid":"{kid}"}""", TestName = "Rejects_duplicate_alg")]
    [TestCase("""{"alg":["RS256"],"kid":"{kid}"}""", TestName = "Rejects_non_string_alg")]
    [TestCase("""{"ALG":"RS256","kid":"{kid}"}""", TestName = "Rejects_alg_in_other_case")]
    [TestCase("""not json""", TestName = "Rejects_header_that_is_not_json")]
    public async Task Rejects_signed_token_with_bad_header(string header)
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);

        var token = await SignAsync(header.Replace("{kid}", publicKey.KeyId, StringComparison.Ordinal), ValidPayload());

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Accepts_signed_token_without_typ()
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);

        var token = await SignAsync($$"""{"alg":"RS256","kid":"{{publicKey.KeyId}}"}""", ValidPayload());

        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Not.Null);
    }

    private static IEnumerable<TestCaseData> MalformedTokens()
    {
        yield return new TestCaseData(string.Empty).SetName("Rejects_empty_token");
        yield return new TestCaseData("..").SetName("Rejects_three_empty_segments");
        yield return new TestCaseData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzIn0").SetName("Rejects_two_segments");
        yield return new TestCaseData("a.b.c.d").SetName("Rejects_four_segments");
        yield return new TestCaseData("a.b.c.d.e").SetName("Rejects_five_segments");
        yield return new TestCaseData("not a token").SetName("Rejects_plain_text");
        yield return new TestCaseData("e30=.e30=.AAAA").SetName("Rejects_padded_base64");
        yield return new TestCaseData("e30.e30.AA+/").SetName("Rejects_standard_base64_alphabet");
        yield return new TestCaseData("e30.e30.AAAAA").SetName("Rejects_impossible_base64url_length");
        yield return new TestCaseData("e3 0.e30.AAAA").SetName("Rejects_whitespace_inside");
        yield return new TestCaseData(" e30.e30.AAAA").SetName("Rejects_leading_whitespace");
        yield return new TestCaseData("é30.e30.AAAA").SetName("Rejects_non_ascii");
        yield return new TestCaseData(new string('A', 100 * 1024)).SetName("Rejects_100_KB_of_garbage");
        yield return new TestCaseData(string.Join('.', new string('A', 40_000), new string('B', 40_000), new string('C', 40_000)))
            .SetName("Rejects_100_KB_token_of_three_segments");
        yield return new TestCaseData(new string('.', 100 * 1024)).SetName("Rejects_100_KB_of_dots");
        yield return new TestCaseData("\0\0.\0.\0").SetName("Rejects_control_characters");
    }

    [TestCaseSource(nameof(MalformedTokens))]
    public async Task Returns_null_for_malformed_token(string token)
    {
        Assert.That(await _service.ValidateAsync(token, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Rejects_random_garbage_without_throwing()
    {
        var random = new Random(20261127);
        const string characters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ {}\"";

        for (var i = 0; i < 500; i++)
        {
            var garbage = new string(Enumerable.Range(0, random.Next(0, 600)).Select(_ => characters[random.Next(characters.Length)]).ToArray());
            Assert.That(await _service.ValidateAsync(garbage, CancellationToken.None), Is.Null, garbage);
        }
    }

    [Test]
    public async Task Rejects_non_canonical_base64url_in_the_signature()
    {
        var token = (await _service.IssueAsync(Claims, CancellationToken.None)).Token;
        var parts = token.Split('.');
        // 256 signature bytes encode to 342 characters whose last one carries 4 unused bits.
        var last = parts[2][^1];
        var sloppy = parts[2][..^1] + (char)(last + 1);

        Assert.That(await _service.ValidateAsync($"{parts[0]}.{parts[1]}.{sloppy}", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Jwks_lists_the_signing_key()
    {
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);

        using var jwks = JsonDocument.Parse(await _service.GetJwksJsonAsync(CancellationToken.None));

        var keys = jwks.RootElement.GetProperty("keys");
        Assert.That(keys.GetArrayLength(), Is.EqualTo(1));
        var jwk = keys[0];
        Assert.Multiple(() =>
        {
            Assert.That(jwk.GetProperty("kty").GetString(), Is.EqualTo("RSA"));
            Assert.That(jwk.GetProperty("use").GetString(), Is.EqualTo("sig"));
            Assert.That(jwk.GetProperty("alg").GetString(), Is.EqualTo("RS256"));
            Assert.That(jwk.GetProperty("kid").GetString(), Is.EqualTo(publicKey.KeyId));
            Assert.That(jwk.GetProperty("e").GetString(), Is.EqualTo("AQAB"));
            Assert.That(Base64Url.DecodeFromChars(jwk.GetProperty("n").GetString()), Has.Length.EqualTo(256));
        });
    }

    [Test]
    public async Task Token_verifies_with_rsa_built_from_the_jwks()
    {
        var token = (await _service.IssueAsync(Claims, CancellationToken.None)).Token;
        using var jwks = JsonDocument.Parse(await _service.GetJwksJsonAsync(CancellationToken.None));
        var jwk = jwks.RootElement.GetProperty("keys")[0];

        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Base64Url.DecodeFromChars(jwk.GetProperty("n").GetString()),
            Exponent = Base64Url.DecodeFromChars(jwk.GetProperty("e").GetString()),
        });
        var lastDot = token.LastIndexOf('.');
        var valid = rsa.VerifyData(
            Encoding.ASCII.GetBytes(token[..lastDot]),
            Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1)),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);

        Assert.That(valid, Is.True);
        using var header = JsonDocument.Parse(Segment(token, 0));
        Assert.That(header.RootElement.GetProperty("kid").GetString(), Is.EqualTo(jwk.GetProperty("kid").GetString()));
    }

    [Test]
    public async Task Jwks_json_is_cached()
    {
        var first = await _service.GetJwksJsonAsync(CancellationToken.None);
        var second = await _service.GetJwksJsonAsync(CancellationToken.None);

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public async Task Validation_checks_the_signing_key_only_once_the_token_looks_like_a_jwt()
    {
        var signingKey = Substitute.For<IJwtSigningKey>();
        var strict = new JwtTokenService(signingKey, new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(1)), _clock);

        Assert.That(await strict.ValidateAsync("garbage", CancellationToken.None), Is.Null);
        await signingKey.DidNotReceive().GetPublicKeyAsync(Arg.Any<CancellationToken>());
    }

    private static string ValidPayload()
    {
        var now = Start.ToUnixTimeSeconds();
        return $$"""{"iss":"cleancqrs","sub":"s","role":"org","country":"SG","iat":{{now}},"exp":{{now + 3600}}}""";
    }

    private static string Header(string kid) => $$"""{"alg":"RS256","typ":"JWT","kid":"{{kid}}"}""";

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static string Segment(string token, int index) =>
        Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[index]));

    /// <summary>A token with arbitrary header and payload JSON, correctly signed by the service's key.</summary>
    private async Task<string> SignAsync(string headerJson, string payloadJson)
    {
        var signingInput = Encode(headerJson) + "." + Encode(payloadJson);
        var signature = await _key.SignAsync(Encoding.ASCII.GetBytes(signingInput), CancellationToken.None);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private sealed class CountingKey(IJwtSigningKey inner) : IJwtSigningKey
    {
        public int PublicKeyLookups { get; private set; }

        public ValueTask<JwtPublicKey> GetPublicKeyAsync(CancellationToken cancellationToken)
        {
            PublicKeyLookups++;
            return inner.GetPublicKeyAsync(cancellationToken);
        }

        public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            inner.SignAsync(data, cancellationToken);
    }
}
