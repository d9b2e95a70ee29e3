using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Domain.Common;
using Mediator;

namespace CleanCqrs.Application.Tests.Support;

/// <summary>A handler behind the request's validation, as the pipeline runs it: invalid input never reaches the handler.</summary>
internal static class Validated
{
    public static ValueTask<TResponse> Send<TMessage, TResponse>(TMessage message, Func<TMessage, CancellationToken, ValueTask<TResponse>> handle)
        where TMessage : IValidatedRequest<TMessage>, IMessage
        where TResponse : IFailable<TResponse> =>
        new ValidationBehaviour<TMessage, TResponse>().Handle(message, (m, ct) => handle(m, ct), CancellationToken.None);
}
