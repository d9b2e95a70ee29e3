using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using FluentValidation;

namespace CleanCqrs.Application.Otps.Commands;

/// <summary>The contact rules, taken from the domain's <see cref="OtpContact"/> so they are written once.</summary>
internal static class OtpContactRules
{
    public static void AddOtpContactRules<T>(
        this AbstractValidator<T> validator, Func<T, string?> primary, Func<T, string?> role, Func<T, string?> country)
    {
        validator.RuleFor(x => x).Custom((command, context) =>
        {
            if (OtpContact.Create(primary(command), role(command), country(command)).Error is ValidationError errors)
            {
                foreach (var (field, messages) in errors.Errors)
                {
                    foreach (var message in messages)
                    {
                        context.AddFailure(field, message);
                    }
                }
            }
        });
    }
}
