using CleanCqrs.Domain.Otps;
using FluentValidation;

namespace CleanCqrs.Application.Otps.Commands.VerifyOtp;

public sealed class VerifyOtpValidator : AbstractValidator<VerifyOtp>
{
    public VerifyOtpValidator()
    {
        this.AddOtpContactRules(x => x.Primary, x => x.Role, x => x.Country);
        RuleFor(x => x.OtpId)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("is required")
            .Must(id => OtpIds.TryNormalize(id, out _)).WithMessage($"must be {OtpIds.Length} hexadecimal digits");
        RuleFor(x => x.Code)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("is required")
            .Must(OtpCodes.IsWellFormed).WithMessage($"must be {OtpCodes.Length} digits");
    }
}
