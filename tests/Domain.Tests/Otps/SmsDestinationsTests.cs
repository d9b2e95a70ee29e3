using CleanCqrs.Domain.Otps;
using PhoneNumbers;

namespace CleanCqrs.Domain.Tests.Otps;

public sealed class SmsDestinationsTests
{
    private static readonly IReadOnlySet<string> Defaults = new HashSet<string>(Countries.All, StringComparer.Ordinal);

    [TestCase("+6281234567890", Description = "Indonesian mobile")]
    [TestCase("+6591234567", Description = "Singapore mobile")]
    [TestCase("+85291234567", Description = "Hong Kong mobile")]
    [TestCase("+819012345678", Description = "Japanese mobile")]
    public void Accepts_mobile_numbers_of_the_allowed_countries(string e164) =>
        Assert.That(SmsDestinations.Check(e164, Defaults), Is.Null);

    private static IEnumerable<TestCaseData> NonMobileExamples()
    {
        var util = PhoneNumberUtil.GetInstance();
        foreach (var type in new[]
                 {
                     PhoneNumberType.FIXED_LINE, PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST,
                     PhoneNumberType.VOIP, PhoneNumberType.PAGER, PhoneNumberType.TOLL_FREE, PhoneNumberType.UAN,
                 })
        {
            foreach (var region in Countries.All)
            {
                // libphonenumber's own example number of that type, where the region has one of its own.
                if (util.GetExampleNumberForType(region, type) is { } example && util.GetNumberType(example) == type)
                {
                    yield return new TestCaseData(util.Format(example, PhoneNumberFormat.E164), type).SetName($"{type} in {region}");
                }
            }
        }
    }

    [TestCaseSource(nameof(NonMobileExamples))]
    public void Refuses_numbers_that_are_not_mobile(string e164, PhoneNumberType type) =>
        Assert.That(SmsDestinations.Check(e164, Defaults), Does.StartWith("must be a mobile number, not "), type.ToString());

    [Test]
    public void There_are_premium_rate_examples_among_the_allowed_countries() =>
        Assert.That(NonMobileExamples().Count(c => (PhoneNumberType)c.Arguments[1]! == PhoneNumberType.PREMIUM_RATE), Is.GreaterThan(3));

    [Test]
    public void Refuses_a_mobile_number_of_a_country_that_is_not_allowed_whatever_the_request_said()
    {
        // A UK mobile written in international form parses fine with country=SG as the default region.
        Assert.That(SmsDestinations.Check("+447400123456", Defaults), Does.StartWith("must be a number of one of the countries"));
        Assert.That(SmsDestinations.Check("+6591234567", new HashSet<string> { "ID" }), Does.Contain("(ID)"));
    }
}
