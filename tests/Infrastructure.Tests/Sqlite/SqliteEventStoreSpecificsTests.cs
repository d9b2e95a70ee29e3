using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;
using static CleanCqrs.Infrastructure.Tests.Contracts.OrgCommits;

namespace CleanCqrs.Infrastructure.Tests.Sqlite;

/// <summary>What only the SQLite store can show: its file, its schema and two handles on one file.</summary>
[TestFixture]
public sealed class SqliteEventStoreSpecificsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TemporaryDataDirectory _directory = null!;
    private SqliteDatabase _database = null!;
    private SqliteEventStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TemporaryDataDirectory();
        _database = new SqliteDatabase(_directory.Path);
        _store = new SqliteEventStore(_database);
    }

    [TearDown]
    public void TearDown()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    // Writers only ever append at a version they loaded, which is a commit boundary; the DynamoDB store
    // relies on that (its key is the commit's first version). SQLite can also refuse a non-boundary or
    // future expected version outright, and does.

    [Test]
    public async Task Refuses_a_stale_expected_version()
    {
        var stream = NewStreamId();
        var first = Commit(stream, Empty, T0, Created(stream, "Acme"), Updated(stream, "Acme 2"));
        await _store.TryAppendAsync(first, None);
        var stale = Commit(stream, new LoadedStream<OrgState>(OrgState.Initial.Fold([first.Events[0].Data]), 1), T0, Updated(stream, "Stale"));

        Assert.That(await _store.TryAppendAsync(stale, None), Is.False);

        Assert.That(await ReadAllAsync(stream), Is.EqualTo(first.Events));
    }

    [Test]
    public async Task Refuses_an_expected_version_ahead_of_the_stream()
    {
        var stream = NewStreamId();
        var ahead = Commit(stream, new LoadedStream<OrgState>(OrgState.Initial, 3), T0, Created(stream, "From the future"));

        Assert.That(await _store.TryAppendAsync(ahead, None), Is.False);

        Assert.That((await _store.LoadAsync<OrgState>(stream, None)).Version, Is.Zero);
        Assert.That(await ReadAllAsync(stream), Is.Empty);
    }

    [Test]
    public async Task Keeps_events_in_a_wal_mode_file_in_the_data_directory()
    {
        var stream = NewStreamId();
        await _store.TryAppendAsync(Commit(stream, Empty, T0, Created(stream, "Acme")), None);

        Assert.That(_database.FilePath, Is.EqualTo(Path.Combine(_directory.Path, "events.db")));
        Assert.That(await ScalarAsync("PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public async Task Folds_the_events_when_the_snapshot_type_is_not_a_current_one()
    {
        var stream = NewStreamId();
        var misleading = new OrgState(true, "Stale snapshot", "x", null);
        await _store.TryAppendAsync(Commit(stream, Empty, T0, misleading, Created(stream, "Acme")), None);
        await _store.TryAppendAsync(Commit(stream, new LoadedStream<OrgState>(misleading, 1), T0, misleading, Updated(stream, "Acme Two")), None);
        await ScalarAsync("UPDATE commits SET snapshot_type = 'OrgState.v0'");

        var loaded = await _store.LoadAsync<OrgState>(stream, None);

        Assert.That(loaded.Version, Is.EqualTo(2));
        Assert.That(loaded.State, Is.EqualTo(new OrgState(true, "Acme Two", "Manila", null)));
    }

    [Test]
    public async Task Carries_an_unknown_snapshot_of_a_pending_commit_as_stored()
    {
        var stream = NewStreamId();
        await _store.TryAppendAsync(Commit(stream, Empty, T0, Created(stream, "Acme")), None);
        await ScalarAsync("UPDATE commits SET snapshot_type = 'OrgState.v0', snapshot = '{\"old\":true}'");

        var pending = (await _store.ReadPendingAsync(T0.AddSeconds(1), 10, None)).Single();

        Assert.That(pending.Snapshot, Is.EqualTo(new UnknownSnapshot("OrgState.v0", "{\"old\":true}")));
        Assert.That(pending.Events, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Keeps_commits_when_the_file_is_opened_again()
    {
        var stream = NewStreamId();
        var commit = Commit(stream, Empty, T0, Created(stream, "Acme"));
        await _store.TryAppendAsync(commit, None);
        _database.Dispose();

        _database = new SqliteDatabase(_directory.Path);
        var reopened = new SqliteEventStore(_database);

        Assert.That((await reopened.LoadAsync<OrgState>(stream, None)).State, Is.EqualTo(commit.Snapshot));
        Assert.That(await reopened.ReadPendingAsync(T0.AddDays(1), 10, None), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Lets_two_handles_on_one_file_append_concurrently_like_two_processes()
    {
        // Two SqliteDatabase instances do not share the in-process write gate, so they meet on
        // SQLite's file locks the way two processes would.
        using var other = new SqliteDatabase(_directory.Path);
        var stores = new[] { _store, new SqliteEventStore(other) };
        const int Writers = 16;
        var stream = NewStreamId();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var mine = stores[writer % 2];
            while (true)
            {
                var loaded = await mine.LoadAsync<OrgState>(stream, None);
                var name = $"writer-{writer}";
                var commit = Commit(stream, loaded, T0, loaded.State.Exists ? Updated(stream, name) : Created(stream, name));
                if (await mine.TryAppendAsync(commit, None))
                {
                    return;
                }
            }
        })));

        var versions = new List<long>();
        await foreach (var stored in _store.ReadStreamAsync(stream, 0, None))
        {
            versions.Add(stored.Version);
        }

        Assert.That(versions, Is.EqualTo(Enumerable.Range(1, Writers).Select(v => (long)v)));
    }

    [Test]
    public void Refuses_a_commit_whose_event_versions_do_not_follow_the_expected_version()
    {
        var stream = NewStreamId();
        var commit = Commit(stream, Empty, T0, Created(stream, "Acme"));
        var broken = commit with { Events = [commit.Events[0] with { Version = 5 }] };

        Assert.That(async () => await _store.TryAppendAsync(broken, None), Throws.ArgumentException);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_database.FilePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private async Task<List<StoredEvent>> ReadAllAsync(string streamId)
    {
        var events = new List<StoredEvent>();
        await foreach (var stored in _store.ReadStreamAsync(streamId, 0, None))
        {
            events.Add(stored);
        }

        return events;
    }
}
