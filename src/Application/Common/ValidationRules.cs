using CleanCqrs.Domain.Common;
using FluentValidation;

namespace CleanCqrs.Application.Common;

public static class ValidationRules
{
    /// <summary>
    /// Reports the field-keyed errors of a value the request already parsed (a domain value
    /// object's factory), so the rules are written once and the parse runs once.
    /// </summary>
    public static void AddErrorsOf<T>(this AbstractValidator<T> validator, Func<T, Error?> parsed) =>
        validator.RuleFor(x => x).Custom((request, context) =>
        {
            if (parsed(request) is ValidationError errors)
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
