using CleanCqrs.Application.Outbox;
using CleanCqrs.LambdaHost.Lambda.Events;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Scheduling;

/// <summary>The scheduled event's job: publish commits the outbox left pending.</summary>
public sealed class ScheduledSweep(IMediator mediator, ILogger<ScheduledSweep> logger)
{
    /// <summary>Younger commits are still being published by the request that stored them.</summary>
    public static readonly TimeSpan MinAge = TimeSpan.FromSeconds(30);

    public async ValueTask<SweepReport> HandleAsync(ScheduledEvent scheduled, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new SweepOutbox(MinAge), cancellationToken);
        if (result.Failed > 0)
        {
            logger.LogWarning("Outbox sweep ({Rule}): {Published} published, {Failed} still pending",
                scheduled.Resources?.FirstOrDefault(), result.Published, result.Failed);
        }
        else
        {
            logger.LogInformation("Outbox sweep ({Rule}): {Published} published",
                scheduled.Resources?.FirstOrDefault(), result.Published);
        }

        return new SweepReport(result.Published, result.Failed);
    }
}
