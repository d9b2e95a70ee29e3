using System.Diagnostics;
using System.Globalization;
using System.Text;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Commands.UpdateOrg;
using CleanCqrs.Bench;
using CleanCqrs.Bench.InProcess;
using CleanCqrs.Bench.StreamLength;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.TestSupport;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

// bench/StreamLength: does a command get slower as its stream grows? Load and UpdateOrg at several
// stream lengths on SQLite and DynamoDB (dynalite), and the DynamoDB requests per command.
//   dotnet run -c Release --project bench/StreamLength -- [--runs N] [--lengths 10,1000,10000]
//       [--stores sqlite,dynamodb] [--dynamodb-endpoint URL] [--out FILE]
CleanCqrs.Bench.CommandLine options;
try
{
    options = CleanCqrs.Bench.CommandLine.Parse(args, ["--runs", "--lengths", "--stores", "--dynamodb-endpoint", "--out"], []);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"stream-length: {e.Message}");
    return 2;
}

var runs = options.WholeNumber("--runs", 40, 3, 10_000);
var lengths = (options.Value("--lengths") ?? "10,1000,10000").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
var stores = (options.Value("--stores") ?? "sqlite,dynamodb").Split(',');
var output = options.Value("--out") ?? "bench/results/stream-length.md";
const int Warmup = 5;

var report = new StringBuilder();
report.AppendLine("## Stream length: load and command time against the number of commits in the stream").AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"- When and where: {MachineInfo.Describe()}");
report.AppendLine(CultureInfo.InvariantCulture, $"- 1-minute load average {MachineInfo.LoadAverage()} at the start");
report.AppendLine("- Command: `bench/run-streamlength.sh`");
report.AppendLine(CultureInfo.InvariantCulture, $"- Each stream is an org seeded with one-event commits (created, then updated) written through the store's own `TryAppendAsync`; then {runs} measured repetitions (after {Warmup} unmeasured), interleaved across the lengths so drift hits every length alike. Every command adds a commit, so a stream ends {runs + Warmup} commits longer than its nominal length.");
report.AppendLine("- load = `IEventStore.LoadAsync<OrgState>` (the latest commit's snapshot); command = `mediator.Send(UpdateOrg)`: the pipeline, `CommandRunner` (load, decide, conditional append) and the outbox (publish to a broker that keeps nothing, then mark the commit published).");
report.AppendLine("- SQLite: the service's `SqliteEventStore`, `synchronous=FULL`, in a temporary directory. DynamoDB: the service's `DynamoDbEventStore` on dynalite (tools/dynalite, in memory, on loopback), so the times are dynalite's, not DynamoDB's; the request counts are the store's own.").AppendLine();

var times = new MarkdownTable(2, "store", "stream length", "load median (ms)", "load p90 (ms)", "command median (ms)", "command p90 (ms)");
var ratios = new MarkdownTable(1, "store", $"load {lengths[^1]:N0}/{lengths[0]:N0} (median)", $"command {lengths[^1]:N0}/{lengths[0]:N0} (median)", "target", "met");
var requestLines = new List<string>();
var seedLines = new List<string>();
DynaliteServer? dynalite = null;
try
{
    foreach (var kind in stores)
    {
        BenchStore store;
        switch (kind)
        {
            case "sqlite":
                store = BenchStore.Sqlite();
                break;
            case "dynamodb":
                Uri endpoint;
                if (options.Value("--dynamodb-endpoint") is { } given)
                {
                    endpoint = new Uri(given);
                }
                else
                {
                    dynalite = await DynaliteServer.StartAsync();
                    endpoint = dynalite.Endpoint;
                }

                store = await BenchStore.DynamoDbAsync(endpoint);
                break;
            default:
                Console.Error.WriteLine($"stream-length: unknown store '{kind}' (sqlite or dynamodb)");
                return 2;
        }

        using (store)
        {
            var orgs = new Dictionary<int, string>();
            foreach (var length in lengths)
            {
                var seeding = Stopwatch.StartNew();
                orgs[length] = await store.SeedOrgAsync(length, store.Requests is null ? 1 : 8);
                seedLines.Add($"{store.Name}, {length:N0} commits: seeded in {seeding.Elapsed.TotalSeconds:F1} s");
                Console.Error.WriteLine(seedLines[^1]);
            }

            var mediator = store.Services.GetRequiredService<IMediator>();
            var loads = lengths.ToDictionary(l => l, _ => new List<double>());
            var commands = lengths.ToDictionary(l => l, _ => new List<double>());
            var perCommand = new Dictionary<string, int>(StringComparer.Ordinal);
            var measuredCommands = 0;
            for (var run = -Warmup; run < runs; run++)
            {
                foreach (var length in lengths)
                {
                    var id = orgs[length];
                    var started = Stopwatch.GetTimestamp();
                    var loaded = await store.Store.LoadAsync<OrgState>(AggregateState.StreamId<OrgState>(id), CancellationToken.None);
                    var load = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (!loaded.State.Exists || loaded.Version < length)
                    {
                        throw new InvalidOperationException($"{store.Name}: the stream of {id} loaded at version {loaded.Version}, not at least {length}.");
                    }

                    store.Requests?.Take();
                    started = Stopwatch.GetTimestamp();
                    var result = await mediator.Send(new UpdateOrg(
                        new TokenClaims(id, Roles.Org, "ID"), id, "Acme Logistics", "Jakarta", $"Run {run}.", ExpectedVersion.Any));
                    var command = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (!result.IsSuccess || result.Value.Version != loaded.Version + 1)
                    {
                        throw new InvalidOperationException($"{store.Name}: UpdateOrg on {id} failed: {result.Error?.Detail ?? $"version {result.Value.Version}"}.");
                    }

                    var requests = store.Requests?.Take();
                    if (run < 0)
                    {
                        continue;
                    }

                    loads[length].Add(load);
                    commands[length].Add(command);
                    if (requests is not null)
                    {
                        measuredCommands++;
                        foreach (var (operation, count) in requests)
                        {
                            perCommand[operation] = perCommand.GetValueOrDefault(operation) + count;
                        }
                    }
                }
            }

            foreach (var length in lengths)
            {
                var l = Summary.Of(loads[length]);
                var c = Summary.Of(commands[length]);
                times.Add(store.Name, length.ToString("N0", CultureInfo.InvariantCulture),
                    MarkdownTable.Number(l.Median, 2), MarkdownTable.Number(l.P90, 2), MarkdownTable.Number(c.Median, 2), MarkdownTable.Number(c.P90, 2));
            }

            var loadRatio = Summary.Of(loads[lengths[^1]]).Median / Summary.Of(loads[lengths[0]]).Median;
            var commandRatio = Summary.Of(commands[lengths[^1]]).Median / Summary.Of(commands[lengths[0]]).Median;
            ratios.Add(store.Name, MarkdownTable.Number(loadRatio, 2), MarkdownTable.Number(commandRatio, 2), "≤ 1.5",
                loadRatio <= 1.5 && commandRatio <= 1.5 ? "met" : "not met");

            if (store.Requests is not null)
            {
                var perOperation = string.Join(", ", perCommand.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => $"{p.Key} {p.Value / (double)measuredCommands:0.##}"));
                var expected = perCommand.Count == 3
                    && perCommand.GetValueOrDefault("Query") == measuredCommands
                    && perCommand.GetValueOrDefault("PutItem") == measuredCommands
                    && perCommand.GetValueOrDefault("UpdateItem") == measuredCommands;
                requestLines.Add($"- {store.Name}: {measuredCommands} commands on existing streams sent, per command: {perOperation} "
                    + $"(target: Query 1, PutItem 1, UpdateItem 1 for the publish bookkeeping): **{(expected ? "met" : "not met")}**");
            }
        }
    }
}
finally
{
    dynalite?.Dispose();
}

report.AppendLine(times.ToString());
report.AppendLine(ratios.ToString());
if (requestLines.Count > 0)
{
    report.AppendLine("DynamoDB requests per `UpdateOrg` (counted on the client's HTTP handler, by `X-Amz-Target`; SDK retries would show):").AppendLine();
    foreach (var line in requestLines)
    {
        report.AppendLine(line);
    }

    report.AppendLine();
}

report.AppendLine("Seeding (not measured):").AppendLine();
foreach (var line in seedLines)
{
    report.AppendLine("- " + line);
}

report.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"1-minute load average at the end: {MachineInfo.LoadAverage()}");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine(report);
return 0;
