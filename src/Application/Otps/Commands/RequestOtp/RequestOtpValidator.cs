using CleanCqrs.Application.Common;
using FluentValidation;

namespace CleanCqrs.Application.Otps.Commands.RequestOtp;

public sealed class RequestOtpValidator : AbstractValidator<RequestOtp>
{
    public RequestOtpValidator() => this.AddErrorsOf(x => x.Contact.Error);
}
