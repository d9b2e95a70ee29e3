using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.LambdaHost.Local;

namespace CleanCqrs.LambdaHost.Tests.Support;

/// <summary>
/// Stands in for SNS FIFO: records what is published, in order, so a test can deliver it to the
/// function as SQS events whenever it likes. Can be told to fail, to leave commits pending.
/// </summary>
public sealed class RecordingCommitPublisher : ICommitPublisher
{
    private readonly Lock _gate = new();
    private readonly List<Commit> _published = [];
    private readonly Queue<StoredEvent> _undelivered = new();

    /// <summary>How many of the next publishes throw.</summary>
    public int FailNext { get; set; }

    public IReadOnlyList<Commit> Published
    {
        get
        {
            lock (_gate)
            {
                return [.. _published];
            }
        }
    }

    public ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (FailNext > 0)
            {
                FailNext--;
                throw new InvalidOperationException("The broker is down (test).");
            }

            _published.Add(commit);
            foreach (var stored in commit.Events)
            {
                _undelivered.Enqueue(stored);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Delivers everything published since the last delivery to <paramref name="function"/> as one
    /// SQS FIFO batch (group = stream id, deduplication id = event id), as raw wire envelopes or
    /// wrapped in SNS notifications, and returns the ids the function sent back.
    /// </summary>
    public async Task<IReadOnlySet<string>> DeliverAsync(Function function, DateTimeOffset now, bool viaSns)
    {
        var batch = TakeUndelivered()
            .Select(stored =>
            {
                var envelope = EventSerializer.ToEnvelopeJson(stored);
                return new LocalSqsRecord(
                    Guid.NewGuid().ToString(),
                    stored.StreamId,
                    stored.EventId.ToString(),
                    viaSns ? AwsEvents.SnsEnvelope(envelope) : envelope,
                    1,
                    now,
                    // Without raw delivery the attribute travels inside the notification only.
                    viaSns ? null : EventSerializer.TypeName(stored.Data));
            })
            .ToList();
        return await function.DeliverAsync(batch, TimeSpan.FromMinutes(1), CancellationToken.None);
    }

    /// <summary>The events published since the last call, in publication order.</summary>
    public IReadOnlyList<StoredEvent> TakeUndelivered()
    {
        lock (_gate)
        {
            var events = _undelivered.ToArray();
            _undelivered.Clear();
            return events;
        }
    }
}
