using System.Diagnostics;
using System.Globalization;
using System.Text;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Bench;
using CleanCqrs.Bench.InProcess;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Infrastructure.Sqlite;
using CleanCqrs.LambdaHost;
using CleanCqrs.LambdaHost.Local;
using Microsoft.Extensions.DependencyInjection;

// bench/Throughput: events per second from the in-process broker into the org projection, through
// the function as SQS-shaped batches (LocalMode.DeliverAsync), in the local-mode composition.
//   dotnet run -c Release --project bench/Throughput -- [--events N] [--streams N] [--runs N] [--out FILE]
CleanCqrs.Bench.CommandLine options;
try
{
    options = CleanCqrs.Bench.CommandLine.Parse(args, ["--events", "--streams", "--runs", "--timeout", "--out"], []);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"throughput: {e.Message}");
    return 2;
}

var events = options.WholeNumber("--events", 5_000, 10, 1_000_000);
var streams = options.WholeNumber("--streams", 50, 1, 10_000);
var runs = options.WholeNumber("--runs", 5, 1, 50);
var timeout = options.Duration("--timeout", TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
var output = options.Value("--out") ?? "bench/results/throughput.md";
if (events % streams != 0)
{
    Console.Error.WriteLine("throughput: --events must be a multiple of --streams");
    return 2;
}

var perStream = events / streams;
var table = new MarkdownTable(2, "run", "mode", "publish (s)", "until every read model is at its last version (s)", "events/s end to end", "batches", "mean batch size", "load average");
var live = new List<double>();
var drain = new List<double>();
for (var run = 1; run <= runs; run++)
{
    foreach (var mode in new[] { Mode.Live, Mode.Backlog })
    {
        var result = await RunAsync(mode, streams, perStream, timeout);
        (mode == Mode.Live ? live : drain).Add(result.EventsPerSecond);
        table.Add(run.ToString(CultureInfo.InvariantCulture), mode == Mode.Live ? "publish while the pump runs" : "backlog, then start the pump",
            MarkdownTable.Number(result.Publish.TotalSeconds, 2), MarkdownTable.Number(result.Total.TotalSeconds, 2),
            MarkdownTable.Number(result.EventsPerSecond, 0), result.Batches.ToString(CultureInfo.InvariantCulture),
            MarkdownTable.Number(result.Messages / (double)Math.Max(1, result.Batches), 1), result.LoadAverage);
        Console.Error.WriteLine($"run {run} {mode}: {result.EventsPerSecond:F0} events/s");
    }
}

var report = new StringBuilder();
report.AppendLine("## Broker to projection throughput").AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"- When and where: {MachineInfo.Describe()}");
report.AppendLine("- Command: `bench/run-throughput.sh`");
report.AppendLine(CultureInfo.InvariantCulture, $"- {events:N0} events ({perStream} `OrgCreated`/`OrgUpdated` per stream across {streams} org streams) stored as one-event commits, then published through the `InProcCommitPublisher` one commit per call as the outbox does, interleaved across streams; the `BrokerPump` ({new InProcBrokerOptions().Consumers} consumers, batches of up to {InProcBrokerOptions.MaxBatchSize}) hands SQS-shaped batches to `Function.HandleAsync` through `LocalMode.DeliverAsync`, and the org projection writes the read models.");
report.AppendLine("- Composition: the production one for local mode (`Composition.BuildServiceProvider(settings, LogFormat.None)`: SQLite event store, read models in their own SQLite file, in-process broker in `broker.db`), a fresh temporary directory per run.");
report.AppendLine("- Measured from the first publish until every read model answers at its stream's last version (polled every 20 ms). \"publish while the pump runs\" is the service's own situation; \"backlog\" publishes everything first and times the pump alone draining it.").AppendLine();
report.Append(table).AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Median: **{Summary.Of(live).Median:F0} events/s** publishing while the pump runs; **{Summary.Of(drain).Median:F0} events/s** draining a backlog.");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine(report);
return 0;

static async Task<RunResult> RunAsync(Mode mode, int streams, int perStream, TimeSpan timeout)
{
    var directory = Directory.CreateTempSubdirectory("cleancqrs-throughput-").FullName;
    try
    {
        var ids = Enumerable.Range(0, streams).Select(i => $"throughput-{i:D4}-{Guid.NewGuid():N}"[..32]).ToArray();
        var commits = await SeedAsync(directory, ids, perStream);
        var settings = new ServiceSettings { DataDirectory = directory, Store = StoreKind.Sqlite, Broker = BrokerKind.InProc };
        await using var services = Composition.BuildServiceProvider(settings, LogFormat.None);
        var function = services.GetRequiredService<Function>();
        var publisher = services.GetRequiredService<ICommitPublisher>();
        var pump = services.GetRequiredService<BrokerPump>();
        var models = services.GetRequiredService<IReadModelStore<OrgReadModel>>();
        var load = MachineInfo.LoadAverage();

        using var stop = new CancellationTokenSource();
        var batches = 0;
        var messages = 0;
        Task<IReadOnlySet<string>> Deliver(IReadOnlyList<ReceivedMessage> batch, CancellationToken ct)
        {
            Interlocked.Increment(ref batches);
            Interlocked.Add(ref messages, batch.Count);
            return LocalMode.DeliverAsync(function, batch, null, ct);
        }

        if (mode == Mode.Live)
        {
            pump.Start(Deliver, stop.Token);
        }

        var started = Stopwatch.GetTimestamp();
        foreach (var commit in commits)
        {
            await publisher.PublishAsync(commit, CancellationToken.None);
        }

        var published = Stopwatch.GetElapsedTime(started);
        if (mode == Mode.Backlog)
        {
            started = Stopwatch.GetTimestamp();
            pump.Start(Deliver, stop.Token);
        }

        var pending = new HashSet<string>(ids, StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            foreach (var id in pending.ToArray())
            {
                if ((await models.GetAsync(id, CancellationToken.None))?.Version == perStream)
                {
                    pending.Remove(id);
                }
            }

            if (pending.Count > 0)
            {
                if (Stopwatch.GetElapsedTime(started) > timeout)
                {
                    throw new TimeoutException($"{pending.Count} read models were not at version {perStream} after {timeout}.");
                }

                await Task.Delay(20);
            }
        }

        var total = Stopwatch.GetElapsedTime(started);
        await pump.StopAsync();
        return new RunResult(published, total, streams * perStream / total.TotalSeconds, Volatile.Read(ref batches), Volatile.Read(ref messages), load);
    }
    finally
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }
}

// The commits exist in the event store as they would after the commands that made them; seeded with
// synchronous=NORMAL (same rows, no fsync each). Returned in publication order: round-robin over streams.
static async Task<List<Commit>> SeedAsync(string directory, string[] ids, int perStream)
{
    using var database = new SqliteDatabase(directory, SqliteDatabase.EventsFileName, SqliteDurability.Rebuildable);
    var store = new SqliteEventStore(database);
    var now = DateTimeOffset.UtcNow;
    var states = ids.ToDictionary(id => id, _ => OrgState.Initial, StringComparer.Ordinal);
    var commits = new List<Commit>(ids.Length * perStream);
    for (var version = 1; version <= perStream; version++)
    {
        foreach (var id in ids)
        {
            var streamId = AggregateState.StreamId<OrgState>(id);
            IDomainEvent @event = version == 1
                ? new OrgCreated(id, "Acme Logistics", "Jakarta", null, now)
                : new OrgUpdated(id, "Acme Logistics", "Jakarta", $"Update {version}.", now);
            var state = states[id] = states[id].Apply(@event);
            var commit = new Commit(streamId, version - 1, [new StoredEvent(Guid.CreateVersion7(now), streamId, version, @event, now, EventMetadata.Empty)], state, now);
            if (!await store.TryAppendAsync(commit, CancellationToken.None))
            {
                throw new InvalidOperationException($"Seeding {streamId}@{version} was refused.");
            }

            commits.Add(commit);
        }
    }

    return commits;
}

internal enum Mode
{
    Live,
    Backlog,
}

internal sealed record RunResult(TimeSpan Publish, TimeSpan Total, double EventsPerSecond, int Batches, int Messages, string LoadAverage);
