using System.Text.Json;
using CleanCqrs.Domain.Common;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Common.Behaviours;

/// <summary>
/// A request with a FluentValidation validator, declared by the request itself: registered by hand
/// and AOT-safe without a DI list to keep in step.
/// </summary>
public interface IValidatedRequest<TSelf> where TSelf : IValidatedRequest<TSelf>
{
    static abstract IValidator<TSelf> Validator { get; }
}

/// <summary>
/// Runs the request's validator and answers a <see cref="ValidationError"/> keyed by camelCase
/// field names when it fails.
/// </summary>
public sealed class ValidationBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IValidatedRequest<TMessage>, IMessage
    where TResponse : IFailable<TResponse>
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var result = await TMessage.Validator.ValidateAsync(message, cancellationToken);
        if (result.IsValid)
        {
            return await next(message, cancellationToken);
        }

        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var failure in result.Errors)
        {
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

        return TResponse.Failure(new ValidationError(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal)));
    }
}

/// <summary>
/// Answers the errors of input the edge could not bind (a body that is not JSON, a malformed
/// header) before the request's own validator runs on fields that were never read.
/// </summary>
public sealed class BindingBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IBoundRequest, IMessage
    where TResponse : IFailable<TResponse>
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        message.BindingErrors is { } errors ? ValueTask.FromResult(TResponse.Failure(errors)) : next(message, cancellationToken);
}
