using System.Diagnostics;
using CleanCqrs.Domain.Common;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Application.Common.Behaviours;

/// <summary>A request the system sends itself on a schedule; logged at debug level so it does not drown the rest.</summary>
public interface IRoutineRequest;

/// <summary>
/// The outermost behaviour: logs each request's type, outcome and duration, and any exception with
/// the request type (never the request itself, which may carry codes or personal data).
/// </summary>
public sealed class LoggingBehaviour<TMessage, TResponse>(ILogger<LoggingBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            var outcome = response is IHasError { Error: { } error } ? error.GetType().Name : "ok";
            logger.Log(message is IRoutineRequest ? LogLevel.Debug : LogLevel.Information,
                "{Request} {Outcome} in {ElapsedMs:0.0} ms",
                typeof(TMessage).Name, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "{Request} failed after {ElapsedMs:0.0} ms",
                typeof(TMessage).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }
}
