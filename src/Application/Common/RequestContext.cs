using CleanCqrs.Application.Common.EventSourcing;

namespace CleanCqrs.Application.Common;

/// <summary>
/// The correlation id of the request or message being handled, carried into the metadata of the
/// events it causes. Set by the host at the edge.
/// </summary>
public static class RequestContext
{
    private static readonly AsyncLocal<EventMetadata?> Current = new();

    public static EventMetadata Metadata => Current.Value ?? EventMetadata.Empty;

    public static IDisposable Begin(string? correlationId, string? causationId = null)
    {
        var previous = Current.Value;
        Current.Value = new EventMetadata(correlationId, causationId);
        return new Scope(previous);
    }

    private sealed class Scope(EventMetadata? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
