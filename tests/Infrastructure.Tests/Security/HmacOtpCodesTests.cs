using System.Globalization;
using CleanCqrs.Infrastructure.Security;

namespace CleanCqrs.Infrastructure.Tests.Security;

public sealed class HmacOtpCodesTests
{
    private const string OtpId = "0123456789abcdef0123456789abcdef";
    private const string OtherOtpId = "fedcba9876543210fedcba9876543210";

    private TemporaryDataDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = new TemporaryDataDirectory();

    [TearDown]
    public void RemoveDirectory() => _directory.Dispose();

    [Test]
    public async Task Code_is_six_ascii_digits()
    {
        var codes = new HmacOtpCodes(new LocalOtpSecret(_directory.Path));

        var code = await codes.DeriveAsync(OtpId, CancellationToken.None);

        Assert.That(code, Does.Match("^[0-9]{6}$"));
    }

    [Test]
    public async Task Code_is_the_truncated_hmac_of_the_prefixed_otp_id()
    {
        // Pinned: changing the derivation would invalidate every outstanding OTP.
        var codes = new HmacOtpCodes(SecretWithKey(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));

        Assert.That(await codes.DeriveAsync(OtpId, CancellationToken.None), Is.EqualTo("136448"));
    }

    [Test]
    public void Truncation_follows_rfc_4226()
    {
        // RFC 4226 §5.4 worked example.
        var mac = Convert.FromHexString("1f8698690e02ca16618550ef7f19da8e945b555a");

        Assert.That(HmacOtpCodes.Truncate(mac), Is.EqualTo(0x50ef7f19));
    }

    [Test]
    public async Task Same_key_and_id_give_the_same_code_across_instances()
    {
        var first = new HmacOtpCodes(new LocalOtpSecret(_directory.Path));
        var second = new HmacOtpCodes(new LocalOtpSecret(_directory.Path));

        var code = await first.DeriveAsync(OtpId, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await first.DeriveAsync(OtpId, CancellationToken.None), Is.EqualTo(code));
            Assert.That(await second.DeriveAsync(OtpId, CancellationToken.None), Is.EqualTo(code));
        });
    }

    [Test]
    public async Task Different_ids_give_different_codes()
    {
        var codes = new HmacOtpCodes(SecretWithKey(new byte[32]));

        Assert.That(
            await codes.DeriveAsync(OtherOtpId, CancellationToken.None),
            Is.Not.EqualTo(await codes.DeriveAsync(OtpId, CancellationToken.None)));
    }

    [Test]
    public async Task Different_keys_give_different_codes()
    {
        var one = new HmacOtpCodes(SecretWithKey(new byte[32]));
        var other = new HmacOtpCodes(SecretWithKey(Enumerable.Repeat((byte)0xA5, 32).ToArray()));

        Assert.That(
            await other.DeriveAsync(OtpId, CancellationToken.None),
            Is.Not.EqualTo(await one.DeriveAsync(OtpId, CancellationToken.None)));
    }

    [Test]
    public async Task Matches_the_right_code()
    {
        var codes = new HmacOtpCodes(new LocalOtpSecret(_directory.Path));
        var code = await codes.DeriveAsync(OtpId, CancellationToken.None);

        Assert.That(await codes.MatchesAsync(OtpId, code, CancellationToken.None), Is.True);
    }

    [Test]
    public async Task Does_not_match_a_wrong_code_or_another_otps_code()
    {
        var codes = new HmacOtpCodes(new LocalOtpSecret(_directory.Path));
        var code = await codes.DeriveAsync(OtpId, CancellationToken.None);
        var wrong = ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

        Assert.Multiple(async () =>
        {
            Assert.That(await codes.MatchesAsync(OtpId, wrong, CancellationToken.None), Is.False);
            Assert.That(await codes.MatchesAsync(OtherOtpId, code, CancellationToken.None), Is.False);
        });
    }

    [TestCase("")]
    [TestCase("12345")]
    [TestCase("1234567")]
    [TestCase("12a456")]
    [TestCase(" 12345")]
    [TestCase("12345 ")]
    [TestCase("-12345")]
    [TestCase("１２３４５６")]
    [TestCase("١٢٣٤٥٦")]
    public async Task Does_not_match_a_malformed_code(string code)
    {
        var codes = new HmacOtpCodes(new LocalOtpSecret(_directory.Path));

        Assert.That(await codes.MatchesAsync(OtpId, code, CancellationToken.None), Is.False);
    }

    [Test]
    public async Task Does_not_match_for_an_empty_otp_id()
    {
        var codes = new HmacOtpCodes(new LocalOtpSecret(_directory.Path));

        Assert.That(await codes.MatchesAsync(string.Empty, "123456", CancellationToken.None), Is.False);
    }

    [Test]
    public async Task Secret_file_is_created_with_32_bytes_on_first_use()
    {
        var secret = new LocalOtpSecret(_directory.Path);
        Assert.That(File.Exists(secret.KeyFilePath), Is.False, "not before first use");

        await secret.ComputeMacAsync(new byte[] { 1 }, CancellationToken.None);

        Assert.That(secret.KeyFilePath, Is.EqualTo(_directory.File("otp-secret.key")));
        Assert.That(await File.ReadAllBytesAsync(secret.KeyFilePath), Has.Length.EqualTo(32));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(secret.KeyFilePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public async Task Secret_file_is_reused_across_instances()
    {
        var first = await new LocalOtpSecret(_directory.Path).ComputeMacAsync(new byte[] { 1 }, CancellationToken.None);
        var contents = await File.ReadAllBytesAsync(_directory.File(LocalOtpSecret.FileName));

        var second = await new LocalOtpSecret(_directory.Path).ComputeMacAsync(new byte[] { 1 }, CancellationToken.None);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(await File.ReadAllBytesAsync(_directory.File(LocalOtpSecret.FileName)), Is.EqualTo(contents));
    }

    [Test]
    public async Task Secrets_racing_on_an_empty_directory_agree_on_one_key()
    {
        var macs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            Convert.ToHexString(await new LocalOtpSecret(_directory.Path).ComputeMacAsync(new byte[] { 1 }, CancellationToken.None)))));

        Assert.That(macs.Distinct(), Has.Exactly(1).Items);
        Assert.That(Directory.GetFiles(_directory.Path).Select(Path.GetFileName), Is.EqualTo(new[] { LocalOtpSecret.FileName }));
    }

    [Test]
    public void Refuses_a_secret_file_of_the_wrong_length()
    {
        File.WriteAllBytes(_directory.File(LocalOtpSecret.FileName), new byte[16]);
        var secret = new LocalOtpSecret(_directory.Path);

        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await secret.ComputeMacAsync(new byte[] { 1 }, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain(secret.KeyFilePath));
    }

    private LocalOtpSecret SecretWithKey(byte[] key)
    {
        var path = Path.Combine(_directory.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        File.WriteAllBytes(Path.Combine(path, LocalOtpSecret.FileName), key);
        return new LocalOtpSecret(path);
    }
}
