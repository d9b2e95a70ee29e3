using Amazon.DynamoDBv2;
using Amazon.Runtime;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Bench.InProcess;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.Infrastructure.Sqlite;
using CleanCqrs.LambdaHost;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Bench.StreamLength;

/// <summary>
/// The production composition on one real store (SQLite in a temporary directory, or DynamoDB on a
/// local server), with a broker that keeps nothing: a command costs what the store costs.
/// </summary>
public sealed class BenchStore : IDisposable
{
    private readonly string _dataDirectory;
    private readonly Func<int, Func<Commit, Task>>? _seeder;
    private readonly IDisposable? _seedResources;

    private BenchStore(string name, string dataDirectory, ServiceProvider services, DynamoDbRequestCounter? requests, Func<int, Func<Commit, Task>>? seeder, IDisposable? seedResources)
    {
        Name = name;
        _dataDirectory = dataDirectory;
        Services = services;
        Requests = requests;
        _seeder = seeder;
        _seedResources = seedResources;
        Store = services.GetRequiredService<IEventStore>();
    }

    public string Name { get; }

    public ServiceProvider Services { get; }

    public IEventStore Store { get; }

    /// <summary>DynamoDB only: the requests the client sent.</summary>
    public DynamoDbRequestCounter? Requests { get; }

    /// <summary>
    /// SQLite, <c>synchronous=FULL</c> as the service runs it. Seeding goes through a second
    /// <see cref="SqliteEventStore"/> on the same file opened with <c>synchronous=NORMAL</c>: the
    /// same rows, without an fsync per seeded commit.
    /// </summary>
    public static BenchStore Sqlite()
    {
        var directory = NewDataDirectory("sqlite");
        var services = Build(directory, s => s.AddSqliteStore(directory));
        var seedDatabase = new SqliteDatabase(directory, SqliteDatabase.EventsFileName, SqliteDurability.Rebuildable);
        var seedStore = new SqliteEventStore(seedDatabase);
        return new BenchStore("SQLite", directory, services, null, _ => commit => Append(seedStore, commit), seedDatabase);
    }

    /// <summary>DynamoDB at <paramref name="endpoint"/> (dynalite), fresh tables, every request counted.</summary>
    public static async Task<BenchStore> DynamoDbAsync(Uri endpoint)
    {
        var directory = NewDataDirectory("dynamodb");
        var requests = new DynamoDbRequestCounter();
        var config = new AmazonDynamoDBConfig { HttpClientFactory = requests.ClientFactory() };
        new AwsClientSettings(endpoint, AwsClientSettings.LocalRegion, UseLocalCredentials: true).ApplyTo(config);
        var client = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var names = new DynamoDbTableNames($"bench-events-{suffix}", $"bench-read-models-{suffix}", $"bench-guards-{suffix}");
        await DynamoDbProvisioner.EnsureTablesAsync(client, names, CancellationToken.None);
        var services = Build(directory, s =>
        {
            s.AddSingleton<IAmazonDynamoDB>(client);
            s.AddDynamoDbStore(names);
        });
        var store = services.GetRequiredService<IEventStore>();
        // Commits of one stream are separate items (key: stream, first version), so they can be put side by side.
        return new BenchStore("DynamoDB (dynalite)", directory, services, requests, _ => commit => Append(store, commit), null);
    }

    /// <summary>
    /// Writes <paramref name="length"/> one-event commits (created, then updated) to a new org stream,
    /// and returns the org id. <paramref name="parallelism"/> &gt; 1 only where the store allows it.
    /// </summary>
    public async Task<string> SeedOrgAsync(int length, int parallelism)
    {
        var id = $"bench-{length}-{Guid.NewGuid():N}"[..32];
        var streamId = AggregateState.StreamId<OrgState>(id);
        var now = DateTimeOffset.UtcNow;
        var commits = new Commit[length];
        var state = OrgState.Initial;
        for (var version = 1; version <= length; version++)
        {
            IDomainEvent @event = version == 1
                ? new OrgCreated(id, "Acme Logistics", "Jakarta", "Seeded.", now)
                : new OrgUpdated(id, "Acme Logistics", "Jakarta", $"Seeded update {version}.", now);
            state = state.Apply(@event);
            commits[version - 1] = new Commit(
                streamId, version - 1, [new StoredEvent(Guid.CreateVersion7(now), streamId, version, @event, now, EventMetadata.Empty)], state, now);
        }

        var append = _seeder!(length);
        await Parallel.ForEachAsync(
            Chunks(commits, parallelism),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (chunk, _) =>
            {
                foreach (var commit in chunk)
                {
                    await append(commit);
                }
            });
        return id;
    }

    public void Dispose()
    {
        _seedResources?.Dispose();
        Services.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }

    private static IEnumerable<Commit[]> Chunks(Commit[] commits, int parallelism)
    {
        // Stream order within each chunk; SQLite (parallelism 1) gets the whole stream in order.
        var size = (int)Math.Ceiling(commits.Length / (double)Math.Max(1, parallelism));
        return commits.Chunk(Math.Max(1, size));
    }

    private static async Task Append(IEventStore store, Commit commit)
    {
        if (!await store.TryAppendAsync(commit, CancellationToken.None))
        {
            throw new InvalidOperationException($"Seeding {commit.StreamId}@{commit.Version} was refused.");
        }
    }

    private static ServiceProvider Build(string directory, Action<IServiceCollection> addStore)
    {
        var settings = new ServiceSettings { DataDirectory = directory };
        return Composition.BuildServiceProvider(settings, LogFormat.None, s =>
        {
            addStore(s);
            s.AddSingleton<ICommitPublisher>(new NoOpCommitPublisher());
            s.AddLocalSecurity(directory, settings.TokenIssuer, settings.TokenLifetime);
            s.AddDevMailbox(directory);
        });
    }

    private static string NewDataDirectory(string kind) => Directory.CreateTempSubdirectory($"cleancqrs-streamlength-{kind}-").FullName;
}
