using CleanCqrs.Application.Otps.Limits;
using CleanCqrs.Domain.Otps;
using FluentValidation;

namespace CleanCqrs.Application.Otps.Commands.RequestOtp;

/// <summary>SMS only to mobile numbers of the allowed countries (SPEC 5.3): a 400 naming <c>primary</c>.</summary>
public sealed class RequestOtpDestinationValidator : AbstractValidator<RequestOtp>
{
    public RequestOtpDestinationValidator(OtpLimitOptions options) =>
        RuleFor(x => x).Custom((command, context) =>
        {
            var contact = OtpContact.Create(command.Primary, command.Role, command.Country);
            if (contact.IsSuccess && contact.Value.Channel == OtpChannels.Sms
                && SmsDestinations.Check(contact.Value.Primary.Value, options.SmsCountries) is { } problem)
            {
                context.AddFailure("primary", problem);
            }
        });
}
