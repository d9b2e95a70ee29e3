using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Application.Orgs.Commands.CreateOrg;
using CleanCqrs.Application.Orgs.Commands.UpdateOrg;
using CleanCqrs.Application.Otps.Commands.RequestOtp;
using CleanCqrs.Application.Otps.Commands.VerifyOtp;
using CleanCqrs.Bench;
using CleanCqrs.Domain.Common;
using CleanCqrs.Bench.Capacity;
using CleanCqrs.Bench.InProcess;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.LambdaHost;
using CleanCqrs.TestSupport;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

// bench/Capacity: what one command costs DynamoDB and where its writes land. Runs the OTP sign-in
// (RequestOtp, VerifyOtp), CreateOrg and UpdateOrg through the production composition on dynalite,
// projects every event into the read models, and records every DynamoDB request with the capacity the
// server reports; the outbox index writes, which dynalite does not report, are derived from the items.
//   dotnet run -c Release --project bench/Capacity -- [--users N] [--updates K] [--shards 1,16]
//       [--parallel P] [--dynamodb-endpoint URL] [--out FILE]
//       [--lambda "LABEL=COMMAND LINE"]... [--lambda-iterations N]   peak RSS of the function in Lambda mode
// --shards none skips the DynamoDB measurement (only the Lambda-mode runs).
CleanCqrs.Bench.CommandLine options;
try
{
    options = CleanCqrs.Bench.CommandLine.Parse(args, ["--users", "--updates", "--shards", "--parallel", "--dynamodb-endpoint", "--out", "--lambda", "--lambda-iterations"], []);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"capacity: {e.Message}");
    return 2;
}

var users = options.WholeNumber("--users", 500, 50, 100_000);
var updates = options.WholeNumber("--updates", 2, 0, 100);
var parallel = options.WholeNumber("--parallel", 8, 1, 64);
var shardCounts = options.Value("--shards") == "none" ? []
    : (options.Value("--shards") ?? "1,16").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var lambdaIterations = options.WholeNumber("--lambda-iterations", 500, 1, 100_000);
var output = options.Value("--out") ?? "bench/results/capacity.md";

var report = new StringBuilder();
report.AppendLine("## Capacity: DynamoDB requests, capacity units, item sizes and the busiest partition key per command").AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"- When and where: {MachineInfo.Describe()}; 1-minute load average {MachineInfo.LoadAverage()} at the start");
report.AppendLine("- Command: `bench/run-capacity.sh` (" + string.Join(' ', args.DefaultIfEmpty("defaults")) + ")");
if (shardCounts.Length > 0)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"- Workload per user, {users} users, {parallel} at a time: `RequestOtp` (e-mail), `VerifyOtp` with the code from the dev mailbox, `CreateOrg`, then {updates} × `UpdateOrg`; " +
        $"{users * (3 + updates)} commands on {2 * users} streams (one otp and one org stream per user). Every commit is published to a broker that runs the projections and handlers in process at once (so the read-model writes are counted), then marked published as in production.");
    report.AppendLine("- Every request goes through the service's own `DynamoDbEventStore`/`DynamoDbReadModelStore` on dynalite (tools/dynalite). A recording HTTP handler adds `ReturnConsumedCapacity: INDEXES` to each request and keeps the capacity dynalite reports. dynalite reports the **table's** units (reads: 4 KB steps, half for eventually consistent; writes: 1 KB steps of the larger of the old and new item) but **no GSI units on writes**, so the `outbox-index` writes are derived from the items by DynamoDB's published rules: an item entering or leaving the index is one index write of the index entry's size (keys only: `streamId`, `seq`, `pendingShard`, `pendingSince`) in 1 KB steps. \"Before\" (the seed's `pending-index`, projection ALL) is derived the same way with the whole item as the entry.").AppendLine();
}

DynaliteServer? dynalite = null;
try
{
    Uri endpoint;
    if (options.Value("--dynamodb-endpoint") is { } configured)
    {
        endpoint = new Uri(configured);
    }
    else
    {
        dynalite = await DynaliteServer.StartAsync();
        endpoint = dynalite.Endpoint;
    }

    foreach (var shards in shardCounts)
    {
        Console.Error.WriteLine($"capacity: {users} users with OUTBOX_SHARDS={shards} ...");
        var (requests, projections) = await RunAsync(endpoint, shards, users, updates, parallel);
        var commands = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["RequestOtp"] = users, ["VerifyOtp"] = users, ["CreateOrg"] = users, ["UpdateOrg"] = users * updates,
        };
        foreach (var (label, count) in projections)
        {
            commands[label] = count;
        }

        Analysis.Write(report, shards, requests, commands);
    }

    foreach (var lambda in options.Values("--lambda"))
    {
        var (label, commandLine) = lambda.Split('=', 2) is [var l, var c] ? (l, c) : ("function", lambda);
        Console.Error.WriteLine($"capacity: Lambda mode, {label}: {lambdaIterations * 4} invocations ...");
        await LambdaMemory.WriteAsync(report, endpoint, label, commandLine, lambdaIterations);
    }
}
finally
{
    dynalite?.Dispose();
}

var text = report.ToString();
Console.WriteLine(text);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, text);
Console.Error.WriteLine($"capacity: report written to {output}");
return 0;

static async Task<(IReadOnlyList<RecordedRequest> Requests, IReadOnlyDictionary<string, int> Projections)> RunAsync(Uri endpoint, int shards, int users, int updates, int parallel)
{
    var directory = Directory.CreateTempSubdirectory("cleancqrs-capacity-").FullName;
    var recorder = new DynamoDbRecorder();
    var config = new AmazonDynamoDBConfig { HttpClientFactory = recorder.ClientFactory() };
    new AwsClientSettings(endpoint, AwsClientSettings.LocalRegion, UseLocalCredentials: true).ApplyTo(config);
    using var client = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
    var suffix = Guid.NewGuid().ToString("N")[..8];
    var names = new DynamoDbTableNames($"capacity-events-{suffix}", $"capacity-read-models-{suffix}");
    await DynamoDbProvisioner.EnsureTablesAsync(client, names, CancellationToken.None);
    recorder.Take();

    var publisher = new ProjectingPublisher();
    var settings = new ServiceSettings { DataDirectory = directory };
    var shardSetting = shards.ToString(CultureInfo.InvariantCulture);
    using var services = Composition.BuildServiceProvider(settings, LogFormat.None, s =>
    {
        s.AddSingleton<IAmazonDynamoDB>(client);
        s.AddDynamoDbStore(names, name => name == OutboxShards.Setting ? shardSetting : null);
        s.AddSingleton<ICommitPublisher>(publisher);
        s.AddLocalSecurity(directory, settings.TokenIssuer, settings.TokenLifetime);
        s.AddDevMailbox(directory);
    });
    var mediator = services.GetRequiredService<IMediator>();
    publisher.Mediator = mediator;

    await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (user, ct) =>
    {
        var primary = $"ops{user}.{suffix}@capacity.example";
        OtpRequested requested;
        using (DynamoDbRecorder.Label("RequestOtp"))
        {
            requested = Expect(await mediator.Send(new RequestOtp(primary, Roles.Org, "SG"), ct), "RequestOtp");
        }

        var code = await DevMailbox.WaitForCodeAsync(directory, requested.OtpId, TimeSpan.FromSeconds(30), ct);
        TokenGranted granted;
        using (DynamoDbRecorder.Label("VerifyOtp"))
        {
            granted = Expect(await mediator.Send(new VerifyOtp(primary, Roles.Org, "SG", requested.OtpId, code), ct), "VerifyOtp");
        }

        var caller = new TokenClaims(granted.Subject, Roles.Org, "SG");
        using (DynamoDbRecorder.Label("CreateOrg"))
        {
            Expect(await mediator.Send(new CreateOrg(caller, "Acme Logistics", "Jakarta", "Warehousing and last-mile delivery in Greater Jakarta."), ct), "CreateOrg");
        }

        for (var i = 0; i < updates; i++)
        {
            using (DynamoDbRecorder.Label("UpdateOrg"))
            {
                Expect(await mediator.Send(
                    new UpdateOrg(caller, granted.Subject, "Acme Logistics", "Jakarta", $"Warehousing and last-mile delivery, update {i + 1}.", ExpectedVersion.Any), ct), "UpdateOrg");
            }
        }
    });

    if (publisher.Failures > 0)
    {
        throw new InvalidOperationException($"{publisher.Failures} projections failed; the measurement is incomplete.");
    }

    try
    {
        Directory.Delete(directory, recursive: true);
    }
    catch (IOException)
    {
        // A temporary directory left behind is harmless.
    }

    return (recorder.Take(), publisher.Counts);
}

static T Expect<T>(Result<T> result, string what) =>
    result.IsSuccess ? result.Value : throw new InvalidOperationException($"{what} failed: {result.Error?.Detail}");

/// <summary>Runs the projections and handlers of every event of a published commit at once, labelled as projection work.</summary>
internal sealed class ProjectingPublisher : ICommitPublisher
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private int _failures;

    /// <summary>Events projected, by label.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;

    public IMediator? Mediator { get; set; }

    public int Failures => _failures;

    public async ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        foreach (var stored in commit.Events)
        {
            var label = "projection of " + stored.Data.GetType().Name;
            _counts.AddOrUpdate(label, 1, (_, n) => n + 1);
            using (DynamoDbRecorder.Label(label))
            {
                try
                {
                    await Mediator!.Publish(new EventReceived(stored), cancellationToken);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref _failures);
                    throw;
                }
            }
        }
    }
}
