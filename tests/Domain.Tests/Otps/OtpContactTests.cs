using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Domain.Tests.Otps;

/// <summary>Normalising who an OTP is for: role, country and the primary contact.</summary>
public sealed class OtpContactTests
{
    private static readonly string[] SupportedCountries =
        ["ID", "PH", "VN", "SG", "MY", "TH", "KH", "LA", "MM", "BN", "JP", "TW", "KR", "HK"];

    private static OtpContact Valid(string? primary, string? role, string? country)
    {
        var contact = OtpContact.Create(primary, role, country);
        Assert.That(contact.Error, Is.Null);
        return contact.Value;
    }

    private static IReadOnlyDictionary<string, string[]> Errors(string? primary, string? role, string? country)
    {
        var contact = OtpContact.Create(primary, role, country);
        Assert.That(contact.Error, Is.InstanceOf<ValidationError>());
        return ((ValidationError)contact.Error!).Errors;
    }

    [TestCase("0812-3456-7890", "ID", "+6281234567890")]
    [TestCase("+62 812 3456 7890", "ID", "+6281234567890")]
    [TestCase("(0812) 3456 7890", "ID", "+6281234567890")]
    [TestCase("9123 4567", "SG", "+6591234567")]
    [TestCase("090-1234-5678", "JP", "+819012345678")]
    [TestCase("0917 123 4567", "PH", "+639171234567")]
    [TestCase("010-1234-5678", "KR", "+821012345678")]
    [TestCase("+65 9123 4567", "ID", "+6591234567")]
    public void Normalises_a_worker_phone_number_to_e164_with_the_country_as_default_region(
        string raw, string country, string expected) =>
        Assert.That(Valid(raw, "worker", country).Primary.Value, Is.EqualTo(expected));

    [TestCase("12345", "ID")]
    [TestCase("0812", "ID")]
    [TestCase("not a number", "ID")]
    [TestCase("+62 812 3456 7890 1234", "ID")]
    [TestCase("1234 5678", "SG")]
    [TestCase("alice@example.com", "ID")]
    public void Rejects_an_invalid_phone_number(string raw, string country) =>
        Assert.That(Errors(raw, "worker", country),
            Is.EquivalentTo(new Dictionary<string, string[]>
            {
                ["primary"] = [$"must be a valid phone number for country {country}"],
            }));

    [Test]
    public void Rejects_an_overlong_phone_input() =>
        Assert.That(Errors(new string('1', 65), "worker", "ID"), Contains.Key("primary"));

    [Test]
    public void Uses_the_sms_channel_for_workers_and_email_for_orgs()
    {
        Assert.That(Valid("0812-3456-7890", "worker", "ID").Channel, Is.EqualTo("sms"));
        Assert.That(Valid("alice@example.com", "org", "ID").Channel, Is.EqualTo("email"));
    }

    [TestCase("  Alice@Example.COM ", "Alice@example.com")]
    [TestCase("bob.smith+otp@Mail.Example.co.id", "bob.smith+otp@mail.example.co.id")]
    [TestCase("X@EXAMPLE.SG", "X@example.sg")]
    public void Normalises_an_org_email_by_trimming_and_lower_casing_the_domain(string raw, string expected) =>
        Assert.That(Valid(raw, "org", "SG").Primary.Value, Is.EqualTo(expected));

    [TestCase("no-at-sign")]
    [TestCase("@example.com")]
    [TestCase("alice@")]
    [TestCase("alice@localhost")]
    [TestCase("al ice@example.com")]
    [TestCase("alice@exa mple.com")]
    [TestCase("alice@exa_mple.com")]
    [TestCase("alice@-example.com")]
    [TestCase("alice@example-.com")]
    [TestCase("alice@example..com")]
    [TestCase(".alice@example.com")]
    [TestCase("alice.@example.com")]
    [TestCase("al..ice@example.com")]
    [TestCase("a<b>@example.com")]
    [TestCase("0812-3456-7890")]
    public void Rejects_an_invalid_email(string raw) =>
        Assert.That(Errors(raw, "org", "ID"),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["primary"] = ["must be a valid e-mail address"] }));

    [Test]
    public void Rejects_an_email_longer_than_254_characters()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 4)) + ".com";
        var longest = new string('a', 254 - domain.Length - 1) + "@" + domain;
        Assert.That(longest, Has.Length.EqualTo(254));

        Assert.That(Valid(longest, "org", "ID").Primary.Value, Is.EqualTo(longest));
        Assert.That(Errors("a" + longest, "org", "ID"), Contains.Key("primary"));
    }

    [Test]
    public void Rejects_an_email_local_part_longer_than_64_characters()
    {
        Assert.That(Valid(new string('a', 64) + "@example.com", "org", "ID"), Is.Not.Null);
        Assert.That(Errors(new string('a', 65) + "@example.com", "org", "ID"), Contains.Key("primary"));
    }

    [TestCaseSource(nameof(SupportedCountries))]
    public void Accepts_each_supported_country(string country) =>
        Assert.That(Valid("alice@example.com", "org", country).Country, Is.EqualTo(country));

    [Test]
    public void Supports_exactly_the_fourteen_countries_of_the_spec() =>
        Assert.That(Countries.All, Is.EquivalentTo(SupportedCountries));

    [TestCase("US")]
    [TestCase("CN")]
    [TestCase("IN")]
    [TestCase("IDN")]
    [TestCase("")]
    public void Rejects_other_countries(string country) =>
        Assert.That(Errors("alice@example.com", "org", country).Keys, Is.EquivalentTo(new[] { "country" }));

    [TestCase("worker")]
    [TestCase("org")]
    public void Accepts_the_worker_and_org_roles(string role) =>
        Assert.That(Valid(role == "worker" ? "0812-3456-7890" : "alice@example.com", role, "ID").Role, Is.EqualTo(role));

    [TestCase("admin")]
    [TestCase("")]
    [TestCase("workers")]
    public void Rejects_other_roles(string role) =>
        Assert.That(Errors("alice@example.com", role, "ID"),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["role"] = ["must be 'worker' or 'org'"] }));

    [Test]
    public void Reports_missing_fields_as_required() =>
        Assert.That(Errors(null, null, null),
            Is.EquivalentTo(new Dictionary<string, string[]>
            {
                ["primary"] = ["is required"],
                ["role"] = ["is required"],
                ["country"] = ["is required"],
            }));

    [TestCase("")]
    [TestCase("   ")]
    public void Rejects_a_blank_primary(string primary) =>
        Assert.That(Errors(primary, "org", "ID"),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["primary"] = ["must not be empty"] }));

    [Test]
    public void The_same_phone_number_written_differently_is_one_primary()
    {
        var local = Valid("0812-3456-7890", "worker", "ID").Primary;
        var international = Valid("+62 812 3456 7890", "worker", "ID").Primary;
        var fromAnotherCountry = Valid("+6281234567890", "worker", "SG").Primary;

        Assert.That(international, Is.EqualTo(local));
        Assert.That(fromAnotherCountry, Is.EqualTo(local));
    }

    [Test]
    public void The_same_email_written_differently_is_one_primary() =>
        Assert.That(Valid("  Alice@Example.COM ", "org", "ID").Primary, Is.EqualTo(Valid("Alice@example.com", "org", "SG").Primary));

    [Test]
    public void Different_primaries_stay_apart()
    {
        Assert.That(Valid("Alice@example.com", "org", "ID").Primary,
            Is.Not.EqualTo(Valid("alice@example.com", "org", "ID").Primary), "the local part keeps its case");
        Assert.That(Valid("0812-3456-7890", "worker", "ID").Primary, Is.Not.EqualTo(Valid("0812-3456-7891", "worker", "ID").Primary));
    }

    [TestCase("ali\u200Bce@example.com")]
    [TestCase("ali\u00ADce@example.com")]
    [TestCase("\uFEFFalice@example.com")]
    [TestCase("alice\u2060@example.com")]
    [TestCase("ali\U000E0041ce@example.com")]
    public void Rejects_invisible_format_characters_in_an_email_local_part(string escaped)
    {
        var primary = System.Text.RegularExpressions.Regex.Unescape(escaped);

        Assert.That(Errors(primary, "org", "ID"), Is.EquivalentTo(new Dictionary<string, string[]>
        {
            ["primary"] = ["must not contain invisible or formatting characters (Unicode category Cf)"],
        }));
    }
}
