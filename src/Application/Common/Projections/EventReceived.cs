using CleanCqrs.Application.Common.EventSourcing;
using Mediator;

namespace CleanCqrs.Application.Common.Projections;

/// <summary>
/// An event delivered by the broker, in stream order per message group, possibly more than once.
/// Projections and event handlers subscribe to it.
/// </summary>
public sealed record EventReceived(StoredEvent Event) : INotification;
