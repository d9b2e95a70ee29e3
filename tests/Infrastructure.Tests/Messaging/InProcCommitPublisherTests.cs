using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.Infrastructure.Sqlite;
using CleanCqrs.Infrastructure.Tests.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static CleanCqrs.Infrastructure.Tests.Contracts.OrgCommits;

namespace CleanCqrs.Infrastructure.Tests.Messaging;

[TestFixture]
public sealed class InProcCommitPublisherTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private TemporaryDataDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TemporaryDataDirectory();

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public void Makes_one_message_per_event_grouped_by_stream_and_deduplicated_by_event_id()
    {
        var stream = NewStreamId();
        var commit = Commit(stream, Empty, T0, Created(stream, "Acme"), Updated(stream, "Acme 2"));

        var messages = InProcCommitPublisher.ToMessages(commit);

        Assert.That(messages.Select(m => m.GroupId), Is.All.EqualTo(stream));
        Assert.That(messages.Select(m => m.DeduplicationId), Is.EqualTo(commit.Events.Select(e => e.EventId.ToString())));
        Assert.That(messages.Select(m => m.MessageAttributes[InProcCommitPublisher.EventTypeAttribute]), Is.EqualTo(new[] { "OrgCreated.v1", "OrgUpdated.v1" }));
        Assert.That(messages.Select(m => EventSerializer.FromEnvelopeJson(m.Body)), Is.EqualTo(commit.Events));
    }

    [Test]
    public async Task Publishes_a_commit_once_however_often_the_outbox_repeats_it()
    {
        using var broker = new InProcBroker(_directory.Path, new InProcBrokerOptions { RetryDelay = TimeSpan.Zero });
        var publisher = new InProcCommitPublisher(broker);
        var stream = NewStreamId();
        var commit = Commit(stream, Empty, T0, Created(stream, "Acme"), Updated(stream, "Acme 2"));

        await publisher.PublishAsync(commit, None);
        await publisher.PublishAsync(commit, None);
        var received = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(
            (batch, _) =>
            {
                received.AddRange(batch);
                return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
            },
            None);

        Assert.That(received.Select(m => EventSerializer.FromEnvelopeJson(m.Body)), Is.EqualTo(commit.Events));
    }

    [Test]
    public async Task Registers_the_embedded_store_and_broker()
    {
        var services = new ServiceCollection()
            .AddSqliteStore(_directory.Path)
            .AddInProcBroker(_directory.Path, maxReceiveCount: 7);

        await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }))
        {
            Assert.That(provider.GetRequiredService<IEventStore>(), Is.InstanceOf<SqliteEventStore>());
            Assert.That(provider.GetRequiredService<IReadModelStore<OrgReadModel>>(), Is.InstanceOf<SqliteReadModelStore<OrgReadModel>>());
            Assert.That(provider.GetRequiredService<ICommitPublisher>(), Is.InstanceOf<InProcCommitPublisher>());
            Assert.That(provider.GetRequiredService<InProcBroker>().Options.MaxReceiveCount, Is.EqualTo(7));
            Assert.That(provider.GetRequiredService<BrokerPump>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<SqliteDatabase>().FilePath, Is.EqualTo(Path.Combine(_directory.Path, "events.db")));
            var stream = NewStreamId();
            await provider.GetRequiredService<ICommitPublisher>().PublishAsync(Commit(stream, Empty, T0, Created(stream, "Acme")), None);
        }

        Assert.That(File.Exists(Path.Combine(_directory.Path, "broker.db")), Is.True);
    }
}
