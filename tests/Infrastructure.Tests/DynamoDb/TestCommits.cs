using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

/// <summary>Org commits built the way <c>CommandRunner</c> builds them: load, fold, one commit per command.</summary>
internal static class TestCommits
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static int _windows;

    public static string NewOrgStream() => $"org-{Guid.NewGuid():N}";

    /// <summary>
    /// A day of commit times older than any handed out before, so a pending-backlog query up to its
    /// end sees only the commits of the test that asked for it, whatever else the store holds.
    /// </summary>
    public static DateTimeOffset NewPastWindow() =>
        new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(-10 * Interlocked.Increment(ref _windows));

    public static Commit OrgCommit(
        string streamId, long expectedVersion, OrgState before, int events = 1, DateTimeOffset? at = null, EventMetadata? metadata = null)
    {
        var time = at ?? Now;
        var orgId = streamId["org-".Length..];
        var data = new IDomainEvent[events];
        for (var i = 0; i < events; i++)
        {
            var version = expectedVersion + i + 1;
            data[i] = version == 1
                ? new OrgCreated(orgId, "Acme", "Jakarta", null, time)
                : new OrgUpdated(orgId, $"Acme {version}", "Surabaya", $"Version {version}\n\twith a tab", time);
        }

        var stored = data
            .Select((e, i) => new StoredEvent(Guid.CreateVersion7(time), streamId, expectedVersion + i + 1, e, time, metadata ?? EventMetadata.Empty))
            .ToArray();
        return new Commit(streamId, expectedVersion, stored, before.Fold(data), time);
    }

    /// <summary>Appends one commit per entry of <paramref name="eventsPerCommit"/>, each on the freshly loaded stream.</summary>
    public static async Task<List<Commit>> AppendAsync(
        IEventStore store, string streamId, IEnumerable<int> eventsPerCommit, DateTimeOffset? at = null)
    {
        var commits = new List<Commit>();
        foreach (var events in eventsPerCommit)
        {
            var loaded = await store.LoadAsync<OrgState>(streamId, CancellationToken.None);
            var commit = OrgCommit(streamId, loaded.Version, loaded.State, events, at);
            Assert.That(await store.TryAppendAsync(commit, CancellationToken.None), Is.True, $"append at {loaded.Version}");
            commits.Add(commit);
        }

        return commits;
    }

    public static async Task<List<StoredEvent>> ReadAllAsync(IEventStore store, string streamId, long afterVersion = 0)
    {
        var events = new List<StoredEvent>();
        await foreach (var stored in store.ReadStreamAsync(streamId, afterVersion, CancellationToken.None))
        {
            events.Add(stored);
        }

        return events;
    }
}
