using CleanCqrs.Application.Otps.Commands;
using FluentValidation;

namespace CleanCqrs.Application.Otps.Commands.RequestOtp;

public sealed class RequestOtpValidator : AbstractValidator<RequestOtp>
{
    public RequestOtpValidator() => this.AddOtpContactRules(x => x.Primary, x => x.Role, x => x.Country);
}
