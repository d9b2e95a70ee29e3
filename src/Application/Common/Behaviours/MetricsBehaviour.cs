using System.Diagnostics;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Domain.Common;
using Mediator;

namespace CleanCqrs.Application.Common.Behaviours;

/// <summary>
/// Counts each command by type and outcome and records its duration. It sits outside authorisation
/// and validation so that their refusals are counted too; queries are left to the HTTP metrics.
/// </summary>
public sealed class MetricsBehaviour<TMessage, TResponse>(IMetrics metrics) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IBaseCommand
{
    private static readonly string Command = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = Outcomes.Error;
        try
        {
            var response = await next(message, cancellationToken);
            outcome = Outcomes.Of(response is IHasError hasError ? hasError.Error : null);
            return response;
        }
        finally
        {
            var dimensions = MetricDimensions.ForCommand(Command, outcome);
            metrics.Count(MetricNames.Commands, 1, dimensions);
            metrics.Duration(MetricNames.CommandDuration, Stopwatch.GetElapsedTime(started), dimensions);
        }
    }
}
