using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.Infrastructure.Security.Kms;
using CleanCqrs.Infrastructure.Tests.Security;

namespace CleanCqrs.Infrastructure.Tests.Kms;

public sealed class KmsOtpSecretTests
{
    private const string OtpId = "0123456789abcdef0123456789abcdef";

    private FakeKms _kms = null!;
    private IAmazonKeyManagementService _client = null!;
    private HmacOtpCodes _codes = null!;

    [SetUp]
    public void Start()
    {
        _kms = new FakeKms();
        _client = _kms.CreateClient();
        _codes = new HmacOtpCodes(new KmsOtpSecret(_client, FakeKms.OtpKeyArn));
    }

    [TearDown]
    public void Stop()
    {
        _client.Dispose();
        _kms.Dispose();
    }

    [Test]
    public async Task Codes_derived_in_kms_equal_codes_from_a_local_key_with_the_same_bytes()
    {
        using var directory = new TemporaryDataDirectory();
        await File.WriteAllBytesAsync(directory.File(LocalOtpSecret.FileName), _kms.MacKey);
        var local = new HmacOtpCodes(new LocalOtpSecret(directory.Path));

        foreach (var otpId in new[] { OtpId, "fedcba9876543210fedcba9876543210", "00000000000000000000000000000000" })
        {
            Assert.That(
                await _codes.DeriveAsync(otpId, CancellationToken.None),
                Is.EqualTo(await local.DeriveAsync(otpId, CancellationToken.None)),
                otpId);
        }
    }

    [Test]
    public async Task Mac_request_names_the_key_and_hmac_sha_256_and_carries_the_prefixed_otp_id()
    {
        var code = await _codes.DeriveAsync(OtpId, CancellationToken.None);

        var call = _kms.CallsTo("GenerateMac").Single();
        Assert.Multiple(() =>
        {
            Assert.That(code, Does.Match("^[0-9]{6}$"));
            Assert.That(call.Text("KeyId"), Is.EqualTo(FakeKms.OtpKeyArn));
            Assert.That(call.Text("MacAlgorithm"), Is.EqualTo("HMAC_SHA_256"));
            Assert.That(call.Blob("Message"), Is.EqualTo(Encoding.UTF8.GetBytes(HmacOtpCodes.MessagePrefix + OtpId)));
            Assert.That(call.ContentType, Is.EqualTo("application/x-amz-json-1.1"));
        });
    }

    [Test]
    public async Task Matches_the_code_it_derived_and_not_another()
    {
        var code = await _codes.DeriveAsync(OtpId, CancellationToken.None);
        var wrong = code == "000000" ? "000001" : "000000";

        Assert.Multiple(async () =>
        {
            Assert.That(await _codes.MatchesAsync(OtpId, code, CancellationToken.None), Is.True);
            Assert.That(await _codes.MatchesAsync(OtpId, wrong, CancellationToken.None), Is.False);
        });
    }

    [TestCase("NotFoundException")]
    [TestCase("AccessDeniedException")]
    [TestCase("KMSInvalidStateException")]
    public void Kms_error_is_thrown_not_turned_into_a_code(string errorType)
    {
        _kms.Intercept = _ => KmsReply.Error(errorType, "refused by the test");

        var error = Assert.CatchAsync<AmazonKeyManagementServiceException>(async () => await _codes.DeriveAsync(OtpId, CancellationToken.None));

        Assert.That(error!.ErrorCode, Is.EqualTo(errorType));
    }

    [Test]
    public void Kms_not_found_is_its_own_exception_type()
    {
        _kms.Intercept = _ => KmsReply.Error("NotFoundException", "Key does not exist");

        Assert.ThrowsAsync<NotFoundException>(async () => await _codes.DeriveAsync(OtpId, CancellationToken.None));
    }

    [TestCase(0)]
    [TestCase(KmsOtpSecret.MaxMessageLength + 1)]
    public void Refuses_a_message_kms_would_not_take_without_calling_it(int length)
    {
        var secret = new KmsOtpSecret(_client, FakeKms.OtpKeyArn);

        Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await secret.ComputeMacAsync(new byte[length], CancellationToken.None));
        Assert.That(_kms.Calls, Is.Empty);
    }
}
