using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Infrastructure.Sqlite;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.Reliability.Tests.Support;

namespace CleanCqrs.Reliability.Tests.HostileInput;

/// <summary>
/// The service over SQLite with a little state in it, and nothing running in the background: every
/// change of state can only come from what a test sends.
/// </summary>
public abstract class HostileFixture
{
    protected ServiceHarness Service { get; private set; } = null!;

    protected HostileWorld World { get; private set; } = null!;

    protected WriteCountingEventStore StoreWrites { get; private set; } = null!;

    protected FlakyCommitPublisher Publishes { get; private set; } = null!;

    protected CountingReadModelStore<OrgReadModel> Projected { get; private set; } = null!;

    /// <summary>Everything that counts as state, as text: the store, the read models, the broker, the dev mailbox.</summary>
    protected async Task<string> SnapshotAsync()
    {
        var mailbox = Path.Combine(Service.DataDirectory, DevMailboxSender.FileName);
        return await SqliteFiles.DumpAsync(Path.Combine(Service.DataDirectory, SqliteDatabase.EventsFileName))
            + await SqliteFiles.DumpAsync(Path.Combine(Service.DataDirectory, InProcBrokerOptions.DefaultFileName))
            + "== mailbox\n" + (File.Exists(mailbox) ? await File.ReadAllTextAsync(mailbox) : string.Empty);
    }

    /// <summary>The writes so far, to compare before and after one request.</summary>
    protected (int Store, int Publishes, int Projections) Writes() => (StoreWrites.Writes, Publishes.Calls, Projected.TotalApplied);

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        Service = await ServiceHarness.StartAsync(new HarnessOptions
        {
            RunLocalMode = false,
            Configure = services =>
            {
                services.Decorate<IEventStore>((inner, _) => StoreWrites = new WriteCountingEventStore(inner));
                services.Decorate<ICommitPublisher>((inner, _) => Publishes = new FlakyCommitPublisher(inner, 0, 0));
                services.Decorate<IReadModelStore<OrgReadModel>>((inner, _) => Projected = new CountingReadModelStore<OrgReadModel>(inner));
            },
        });
        World = await HostileWorld.SeedAsync(Service);
        while (await Service.Broker.DeliverOnceAsync((batch, ct) => LocalMode.DeliverAsync(Service.Function, batch, null, ct), CancellationToken.None) > 0)
        {
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await Service.DisposeAsync();
}
