using CleanCqrs.Domain.Common;
using Mediator;

namespace CleanCqrs.Application.Common.Behaviours;

/// <summary>Refuses a request its caller may not send (401/403), before validation runs.</summary>
public sealed class AuthorizationBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IAuthorizedRequest, IMessage
    where TResponse : IFailable<TResponse>
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        message.Authorize() is { } error ? ValueTask.FromResult(TResponse.Failure(error)) : next(message, cancellationToken);
}
