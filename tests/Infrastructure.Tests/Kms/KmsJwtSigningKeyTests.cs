using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.Infrastructure.Security.Kms;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.Infrastructure.Tests.Kms;

public sealed class KmsJwtSigningKeyTests
{
    private static readonly TokenClaims Claims = new("6f1c2d3e-4b5a-5c6d-8e7f-0a1b2c3d4e5f", "org", "SG");

    private FakeKms _kms = null!;
    private IAmazonKeyManagementService _client = null!;
    private KmsJwtSigningKey _key = null!;
    private JwtTokenService _tokens = null!;

    [SetUp]
    public void Start()
    {
        _kms = new FakeKms();
        _client = _kms.CreateClient();
        _key = new KmsJwtSigningKey(_client, FakeKms.JwtAlias);
        _tokens = new JwtTokenService(
            _key, new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(1)), new FakeTimeProvider(DateTimeOffset.UtcNow));
    }

    [TearDown]
    public void Stop()
    {
        _client.Dispose();
        _kms.Dispose();
    }

    [Test]
    public async Task Token_signed_in_kms_validates_and_matches_the_jwks()
    {
        var issued = await _tokens.IssueAsync(Claims, CancellationToken.None);

        var claims = await _tokens.ValidateAsync(issued.Token, CancellationToken.None);
        using var jwks = JsonDocument.Parse(await _tokens.GetJwksJsonAsync(CancellationToken.None));
        var jwk = jwks.RootElement.GetProperty("keys")[0];
        var parameters = FakeKms.SigningKey.ExportParameters(includePrivateParameters: false);
        var parts = issued.Token.Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));

        Assert.Multiple(() =>
        {
            Assert.That(claims, Is.EqualTo(Claims));
            Assert.That(jwk.GetProperty("n").GetString(), Is.EqualTo(Base64Url.EncodeToString(parameters.Modulus)));
            Assert.That(jwk.GetProperty("e").GetString(), Is.EqualTo(Base64Url.EncodeToString(parameters.Exponent)));
            Assert.That(jwk.GetProperty("kid").GetString(), Is.EqualTo(header.RootElement.GetProperty("kid").GetString()));
            Assert.That(header.RootElement.GetProperty("alg").GetString(), Is.EqualTo("RS256"));
            Assert.That(
                FakeKms.SigningKey.VerifyData(
                    Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]),
                    HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                Is.True,
                "the signature is the KMS key's over the signing input");
        });
    }

    [Test]
    public async Task Sign_sends_the_sha256_digest_of_the_signing_input_to_the_resolved_key()
    {
        var issued = await _tokens.IssueAsync(Claims, CancellationToken.None);

        var signingInput = issued.Token[..issued.Token.LastIndexOf('.')];
        var sign = _kms.CallsTo("Sign").Single();
        var getPublicKey = _kms.CallsTo("GetPublicKey").Single();
        Assert.Multiple(() =>
        {
            Assert.That(sign.Text("MessageType"), Is.EqualTo("DIGEST"));
            Assert.That(sign.Text("SigningAlgorithm"), Is.EqualTo("RSASSA_PKCS1_V1_5_SHA_256"));
            Assert.That(sign.Blob("Message"), Is.EqualTo(SHA256.HashData(Encoding.ASCII.GetBytes(signingInput))));
            Assert.That(getPublicKey.Text("KeyId"), Is.EqualTo(FakeKms.JwtAlias), "the configured reference is resolved once");
            Assert.That(sign.Text("KeyId"), Is.EqualTo(FakeKms.JwtKeyArn), "signing is pinned to the key whose kid is published");
            Assert.That(sign.ContentType, Is.EqualTo("application/x-amz-json-1.1"));
            Assert.That(sign.Authorization, Does.StartWith("AWS4-HMAC-SHA256 Credential=local/").And.Contain("/us-east-1/kms/aws4_request"));
        });
    }

    [Test]
    public async Task Public_key_is_fetched_once_across_many_signatures_and_validations()
    {
        var first = await _tokens.IssueAsync(Claims, CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            var issued = await _tokens.IssueAsync(Claims, CancellationToken.None);
            Assert.That(await _tokens.ValidateAsync(issued.Token, CancellationToken.None), Is.EqualTo(Claims));
        }));
        await _tokens.GetJwksJsonAsync(CancellationToken.None);
        await _tokens.ValidateAsync(first.Token, CancellationToken.None);

        Assert.That(_kms.CallsTo("GetPublicKey"), Has.Count.EqualTo(1));
        Assert.That(_kms.CallsTo("Sign"), Has.Count.EqualTo(17));
    }

    [Test]
    public async Task Concurrent_first_callers_share_one_fetch()
    {
        var fresh = new KmsJwtSigningKey(_client, FakeKms.JwtAlias);

        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fresh.GetPublicKeyAsync(CancellationToken.None).AsTask()));

        Assert.That(keys.Distinct(), Has.Exactly(1).Items);
        Assert.That(_kms.CallsTo("GetPublicKey"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Kms_error_on_sign_is_thrown_not_turned_into_a_token()
    {
        await _key.GetPublicKeyAsync(CancellationToken.None);
        _kms.Intercept = call => call.Operation == "Sign"
            ? KmsReply.Error("NotFoundException", $"Key '{FakeKms.JwtKeyArn}' does not exist")
            : null;

        var error = Assert.ThrowsAsync<NotFoundException>(async () => await _tokens.IssueAsync(Claims, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("does not exist"));
        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Prefetch_at_init_fetches_the_public_key_once_and_the_first_use_finds_it()
    {
        _key.Prefetch();
        Assert.That(() => _kms.CallsTo("GetPublicKey").Count, Is.EqualTo(1).After(10_000, 10), "the prefetch did not fetch");

        var key = await _key.GetPublicKeyAsync(CancellationToken.None);

        Assert.That(key, Is.Not.Null);
        Assert.That(_kms.CallsTo("GetPublicKey"), Has.Count.EqualTo(1), "the first use waited for the prefetch, it did not fetch again");
    }

    [Test]
    public async Task A_failed_prefetch_is_forgotten_and_the_first_use_fetches_again()
    {
        var fetches = 0;
        _kms.Intercept = call => call.Operation == "GetPublicKey" && Interlocked.Increment(ref fetches) == 1
            ? KmsReply.Error("AccessDeniedException", "not authorized to perform: kms:GetPublicKey")
            : null;
        _key.Prefetch();
        Assert.That(() => _kms.CallsTo("GetPublicKey").Count, Is.GreaterThanOrEqualTo(1).After(10_000, 10), "the prefetch did not fetch");

        Assert.That(await RetryingGetAsync(), Is.Not.Null);
        Assert.That(_kms.CallsTo("GetPublicKey").Count, Is.GreaterThanOrEqualTo(2));
    }

    // The failed prefetch may still be settling when the first use comes: that use sees it fail once.
    private async Task<JwtPublicKey> RetryingGetAsync()
    {
        try
        {
            return await _key.GetPublicKeyAsync(CancellationToken.None);
        }
        catch (AmazonKeyManagementServiceException)
        {
            return await _key.GetPublicKeyAsync(CancellationToken.None);
        }
    }


    [Test]
    public async Task Failed_public_key_fetch_is_thrown_and_retried_on_the_next_call()
    {
        var issued = await IssueWithAnotherInstanceAsync();
        _kms.Intercept = call => call.Operation == "GetPublicKey"
            ? KmsReply.Error("AccessDeniedException", "not authorized to perform: kms:GetPublicKey")
            : null;

        Assert.ThrowsAsync<AmazonKeyManagementServiceException>(async () => await _tokens.ValidateAsync(issued, CancellationToken.None));

        _kms.Intercept = null;
        Assert.That(await _tokens.ValidateAsync(issued, CancellationToken.None), Is.EqualTo(Claims));
        Assert.That(_kms.CallsTo("GetPublicKey"), Has.Count.EqualTo(3), "one for the issuer, a failed one and its retry");
    }

    [TestCase("ECC_NIST_P256")]
    [TestCase("RSA_1024")]
    [TestCase("HMAC_256")]
    [TestCase("SYMMETRIC_DEFAULT")]
    public void Refuses_a_key_of_the_wrong_spec(string keySpec)
    {
        _kms.ReportedKeySpec = keySpec;

        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await _key.GetPublicKeyAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.Contain(keySpec).And.Contain(FakeKms.JwtAlias).And.Contain("JWT_KMS_KEY_ID").And.Contain("RSA_2048"));
    }

    [Test]
    public void Refuses_a_key_that_is_not_for_signing()
    {
        _kms.ReportedKeyUsage = "ENCRYPT_DECRYPT";

        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await _tokens.IssueAsync(Claims, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("key usage ENCRYPT_DECRYPT").And.Contain("SIGN_VERIFY"));
        Assert.That(_kms.CallsTo("Sign"), Is.Empty);
    }

    [Test]
    public void Refuses_a_key_without_pkcs1_sha256_signatures()
    {
        _kms.ReportedSigningAlgorithms = ["RSASSA_PSS_SHA_256"];

        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await _key.GetPublicKeyAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("RSASSA_PKCS1_V1_5_SHA_256"));
    }

    [Test]
    public void Refuses_a_public_key_that_is_not_der_subject_public_key_info()
    {
        _kms.ReportedPublicKey = Encoding.ASCII.GetBytes("-----BEGIN PUBLIC KEY-----");

        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await _key.GetPublicKeyAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("usable RSA public key").And.Contain("JWT_KMS_KEY_ID"));
    }

    [Test]
    public void Refuses_a_public_key_with_trailing_bytes()
    {
        _kms.ReportedPublicKey = [.. FakeKms.SigningKey.ExportSubjectPublicKeyInfo(), 0];

        Assert.ThrowsAsync<InvalidOperationException>(async () => await _key.GetPublicKeyAsync(CancellationToken.None));
    }

    [Test]
    public async Task Refused_key_is_asked_again_once_fixed()
    {
        _kms.ReportedKeySpec = "ECC_NIST_P256";
        Assert.ThrowsAsync<InvalidOperationException>(async () => await _key.GetPublicKeyAsync(CancellationToken.None));

        _kms.ReportedKeySpec = "RSA_2048";
        var publicKey = await _key.GetPublicKeyAsync(CancellationToken.None);

        Assert.That(publicKey.SignatureLength, Is.EqualTo(256));
    }

    [Test]
    public async Task Signature_of_the_wrong_length_is_refused()
    {
        await _key.GetPublicKeyAsync(CancellationToken.None);
        _kms.Intercept = call => call.Operation == "Sign"
            ? new KmsReply(HttpStatusCode.OK, $$"""{"KeyId":"{{FakeKms.JwtKeyArn}}","Signature":"AAAA","SigningAlgorithm":"RSASSA_PKCS1_V1_5_SHA_256"}""")
            : null;

        Assert.ThrowsAsync<InvalidOperationException>(async () => await _key.SignAsync(new byte[] { 1 }, CancellationToken.None));
    }

    [Test]
    public void A_cancelled_caller_stops_waiting()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.CatchAsync<OperationCanceledException>(async () => await _key.GetPublicKeyAsync(cancelled.Token));
    }

    private async Task<string> IssueWithAnotherInstanceAsync()
    {
        var issuer = new JwtTokenService(
            new KmsJwtSigningKey(_client, FakeKms.JwtAlias),
            new JwtOptions(JwtOptions.DefaultIssuer, TimeSpan.FromHours(1)),
            new FakeTimeProvider(DateTimeOffset.UtcNow));
        return (await issuer.IssueAsync(Claims, CancellationToken.None)).Token;
    }
}
