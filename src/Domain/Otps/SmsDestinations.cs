using PhoneNumbers;

namespace CleanCqrs.Domain.Otps;

/// <summary>
/// Where an SMS may go (SPEC 5.3): a number whose own region is an allowed one, whatever country the
/// request named, and whose type is mobile or fixed-line-or-mobile. Premium-rate, shared-cost,
/// satellite, VoIP, pager and unknown types are what SMS-pumping fraud sends to.
/// </summary>
public static class SmsDestinations
{
    /// <summary>Null when an SMS may go to <paramref name="e164"/>; otherwise why not (a message about <c>primary</c>).</summary>
    public static string? Check(string e164, IReadOnlySet<string> allowedRegions)
    {
        ArgumentNullException.ThrowIfNull(allowedRegions);
        var util = PhoneNumberUtil.GetInstance();
        PhoneNumber number;
        try
        {
            number = util.Parse(e164, null);
        }
        catch (NumberParseException)
        {
            return "must be a valid phone number";
        }

        var region = util.GetRegionCodeForNumber(number);
        if (region is null || !allowedRegions.Contains(region))
        {
            return $"must be a number of one of the countries OTPs are sent to ({string.Join(", ", allowedRegions.Order(StringComparer.Ordinal))})";
        }

        var type = util.GetNumberType(number);
        return type is PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE
            ? null
            : $"must be a mobile number, not {Describe(type)}";
    }

    private static string Describe(PhoneNumberType type) => type switch
    {
        PhoneNumberType.FIXED_LINE => "a fixed-line number",
        PhoneNumberType.TOLL_FREE => "a toll-free number",
        PhoneNumberType.PREMIUM_RATE => "a premium-rate number",
        PhoneNumberType.SHARED_COST => "a shared-cost number",
        PhoneNumberType.VOIP => "a VoIP number",
        PhoneNumberType.PERSONAL_NUMBER => "a personal number",
        PhoneNumberType.PAGER => "a pager number",
        PhoneNumberType.UAN => "a UAN number",
        PhoneNumberType.VOICEMAIL => "a voicemail number",
        _ => "a number of unknown type",
    };
}
