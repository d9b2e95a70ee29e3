using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Domain.Tests.Otps;

public sealed class OtpIdsAndCodesTests
{
    [Test]
    public void Accepts_32_hex_digits_and_normalises_them_to_lower_case()
    {
        Assert.That(OtpIds.TryNormalize("0123456789abcdef0123456789ABCDEF", out var otpId), Is.True);
        Assert.That(otpId, Is.EqualTo("0123456789abcdef0123456789abcdef"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("0123456789abcdef0123456789abcde")]
    [TestCase("0123456789abcdef0123456789abcdef0")]
    [TestCase("0123456789abcdef0123456789abcdeg")]
    [TestCase("0123456789abcdef-123456789abcdef")]
    [TestCase(" 0123456789abcdef0123456789abcde")]
    [TestCase("0123456789abcdef0123456789abcd\u0661\u0662")]
    public void Rejects_a_malformed_otp_id(string? raw)
    {
        Assert.That(OtpIds.TryNormalize(raw, out var otpId), Is.False);
        Assert.That(otpId, Is.Empty);
    }

    [Test]
    public void Formats_128_random_bits_as_32_lower_case_hex_digits()
    {
        byte[] bytes = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF];

        Assert.That(OtpIds.FromBytes(bytes), Is.EqualTo("00112233445566778899aabbccddeeff"));
    }

    [TestCase(15)]
    [TestCase(17)]
    public void Refuses_to_format_other_than_16_bytes(int length) =>
        Assert.That(() => OtpIds.FromBytes(new byte[length]), Throws.ArgumentException);

    [TestCase("000000")]
    [TestCase("123456")]
    [TestCase("999999")]
    public void A_code_is_six_ascii_digits(string code) =>
        Assert.That(OtpCodes.IsWellFormed(code), Is.True);

    [TestCase(null)]
    [TestCase("")]
    [TestCase("12345")]
    [TestCase("1234567")]
    [TestCase("12345a")]
    [TestCase(" 12345")]
    [TestCase("12 345")]
    [TestCase("-12345")]
    [TestCase("\u0661\u0662\u0663\u0664\u0665\u0666")]
    [TestCase("\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16")]
    public void Rejects_a_malformed_code(string? code) =>
        Assert.That(OtpCodes.IsWellFormed(code), Is.False);
}
