using System.Text.Json;
using CleanCqrs.Domain.Common;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Common.Behaviours;

/// <summary>
/// Runs the request's FluentValidation validators and answers a <see cref="ValidationError"/> keyed
/// by camelCase field names when any fails.
/// </summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
    where TResponse : IFailable<TResponse>
{
    private readonly IValidator<TMessage>[] _validators = [.. validators];

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (_validators.Length == 0)
        {
            return await next(message, cancellationToken);
        }

        var context = new ValidationContext<TMessage>(message);
        Dictionary<string, List<string>>? errors = null;
        foreach (var validator in _validators)
        {
            var result = await validator.ValidateAsync(context, cancellationToken);
            foreach (var failure in result.Errors)
            {
                errors ??= new(StringComparer.Ordinal);
                var field = JsonNamingPolicy.CamelCase.ConvertName(failure.PropertyName);
                if (!errors.TryGetValue(field, out var messages))
                {
                    errors[field] = messages = [];
                }

                if (!messages.Contains(failure.ErrorMessage))
                {
                    messages.Add(failure.ErrorMessage);
                }
            }
        }

        return errors is null
            ? await next(message, cancellationToken)
            : TResponse.Failure(new ValidationError(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal)));
    }
}
