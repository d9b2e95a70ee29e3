using CleanCqrs.Application.Common.EventSourcing;
using Mediator;

namespace CleanCqrs.Application.Outbox;

/// <summary>Raised after a commit is stored (never before): time to publish it.</summary>
public sealed record EventsCommitted(Commit Commit) : INotification;

/// <summary>
/// Publishes a commit right after it is stored. A failure is not the command's failure: the commit
/// stays pending and the sweeper publishes it.
/// </summary>
public sealed class PublishOnEventsCommitted(OutboxRelay relay) : INotificationHandler<EventsCommitted>
{
    public async ValueTask Handle(EventsCommitted notification, CancellationToken cancellationToken) =>
        await relay.TryRelayAsync(notification.Commit, cancellationToken);
}
