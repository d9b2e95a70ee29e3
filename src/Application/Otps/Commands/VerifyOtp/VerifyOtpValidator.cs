using CleanCqrs.Application.Common;
using CleanCqrs.Domain.Otps;
using FluentValidation;

namespace CleanCqrs.Application.Otps.Commands.VerifyOtp;

public sealed class VerifyOtpValidator : AbstractValidator<VerifyOtp>
{
    public VerifyOtpValidator()
    {
        this.AddErrorsOf(x => x.Contact.Error);
        RuleFor(x => x.OtpId)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("is required")
            .Must((command, _) => command.NormalizedOtpId is not null).WithMessage($"must be {OtpIds.Length} hexadecimal digits");
        RuleFor(x => x.Code)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("is required")
            .Must(OtpCodes.IsWellFormed).WithMessage($"must be {OtpCodes.Length} digits");
    }
}
