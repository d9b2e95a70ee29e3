using CleanCqrs.Domain.Orgs;
using FluentValidation;

namespace CleanCqrs.Application.Orgs.Commands;

/// <summary>The org field rules, taken from the domain's value objects so they are written once.</summary>
internal static class OrgProfileRules
{
    public static void AddOrgProfileRules<T>(
        this AbstractValidator<T> validator, Func<T, string?> name, Func<T, string?> location, Func<T, string?> description)
    {
        validator.RuleFor(x => x).Custom((command, context) =>
        {
            var profile = OrgProfile.Create(name(command), location(command), description(command));
            if (profile.Error is Domain.Common.ValidationError errors)
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
