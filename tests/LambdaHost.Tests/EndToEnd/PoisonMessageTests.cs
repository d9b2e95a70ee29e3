using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.LambdaHost.Tests.EndToEnd.Support;
using CleanCqrs.LambdaHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd;

/// <summary>
/// SPEC section 3 with the real in-process broker and the real function: a message that holds no
/// event fails alone, its group waits behind it (FIFO), other groups flow, and after
/// maxReceiveCount deliveries it is dead-lettered. Most tests deliver step by step on a fake clock,
/// so every retry delay passes exactly when the test says.
/// </summary>
public sealed class PoisonMessageTests
{
    private const int MaxReceiveCount = 3;
    private const string PoisonId = "poison-1";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    private readonly List<(IReadOnlyList<ReceivedMessage> Batch, IReadOnlySet<string> Failed)> _deliveries = [];
    private TemporaryDataDirectory _data = null!;
    private ServiceProvider _services = null!;
    private Function _function = null!;
    private FakeTimeProvider _clock = null!;

    public enum Poison
    {
        NotJson,
        UnknownEventType,

        /// <summary>A well-formed OrgCreated whose <c>eventType</c> attribute names another type.</summary>
        EventTypeMismatch,

        /// <summary>A well-formed OrgCreated published without the <c>eventType</c> attribute.</summary>
        NoEventType,
    }

    [SetUp]
    public async Task SetUp()
    {
        _data = new TemporaryDataDirectory();
        _services = LocalService.BuildProvider(await ServiceEnvironment.CreateAsync(StoreUnderTest.Sqlite, _data.Path));
        _function = _services.GetRequiredService<Function>();
        _clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _deliveries.Clear();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _services.DisposeAsync();
        _data.Dispose();
    }

    [Test]
    public async Task One_message_per_batch_the_poison_fails_alone_while_its_group_waits_and_other_groups_flow(
        [Values] Poison poison)
    {
        using var consumer = Consumer(batchSize: 1);
        var (a, b) = await QueuePoisonThenTwoOrgsAsync(consumer, poison);

        await DeliverUntilDrainedAsync(consumer);

        var poisonDeliveries = Indexes(m => m.DeduplicationId == PoisonId);
        Assert.That(poisonDeliveries, Has.Count.EqualTo(MaxReceiveCount));
        foreach (var i in poisonDeliveries)
        {
            Assert.That(_deliveries[i].Batch, Has.Count.EqualTo(1));
            Assert.That(_deliveries[i].Failed, Is.EquivalentTo(new[] { _deliveries[i].Batch[0].MessageId }));
        }

        Assert.That(poisonDeliveries.Select(i => _deliveries[i].Batch[0].ReceiveCount), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(_deliveries.Where((_, i) => !poisonDeliveries.Contains(i)).SelectMany(d => d.Failed), Is.Empty, "only the poison ever failed");

        var laterOfItsGroup = Indexes(m => m.GroupId == StreamOf(a) && m.DeduplicationId != PoisonId);
        var otherGroup = Indexes(m => m.GroupId == StreamOf(b));
        Assert.That(laterOfItsGroup, Has.Count.EqualTo(1));
        Assert.That(laterOfItsGroup[0], Is.GreaterThan(poisonDeliveries[^1]), "the group's next message waited behind the poison");
        Assert.That(otherGroup, Has.Count.EqualTo(1));
        Assert.That(otherGroup[0], Is.LessThan(poisonDeliveries[^1]), "another group was delivered while the poison was retried");

        var dead = await consumer.ListDeadLettersAsync(CancellationToken.None);
        Assert.That(dead.Select(d => (d.DeduplicationId, d.GroupId, d.ReceiveCount)), Is.EqualTo(new[] { (PoisonId, StreamOf(a), MaxReceiveCount) }));
        Assert.That((await GetOrgAsync(a)).Status, Is.EqualTo(200));
        Assert.That((await GetOrgAsync(b)).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task A_message_batched_behind_a_poison_fails_with_it_and_the_streams_next_event_recovers_the_read_model(
        [Values] Poison poison)
    {
        using var consumer = Consumer(batchSize: InProcBrokerOptions.MaxBatchSize);
        var (a, b) = await QueuePoisonThenTwoOrgsAsync(consumer, poison);

        await DeliverUntilDrainedAsync(consumer);

        // The first batch holds all three; the poison fails, the next message of its group is failed by
        // the FIFO rule without being handled, the other group's message is projected.
        var first = _deliveries[0];
        Assert.That(first.Batch.Select(m => m.GroupId), Is.EqualTo(new[] { StreamOf(a), StreamOf(a), StreamOf(b) }));
        Assert.That(first.Failed, Is.EquivalentTo(first.Batch.Take(2).Select(m => m.MessageId)));
        Assert.That(_deliveries.SelectMany(d => d.Failed.Select(id => d.Batch.Single(m => m.MessageId == id).GroupId)), Has.All.EqualTo(StreamOf(a)));
        Assert.That(_deliveries.Skip(1).Select(d => d.Batch.Count), Is.EqualTo(new[] { 2, 2 }));
        Assert.That((await GetOrgAsync(b)).Status, Is.EqualTo(200));

        // As in SQS, each of those deliveries counted for both, so both reach the dead letters.
        var dead = await consumer.ListDeadLettersAsync(CancellationToken.None);
        Assert.That(dead.Select(d => (d.GroupId, d.ReceiveCount)), Is.EqualTo(new[] { (StreamOf(a), MaxReceiveCount), (StreamOf(a), MaxReceiveCount) }));
        Assert.That(dead[0].DeduplicationId, Is.EqualTo(PoisonId));
        Assert.That((await GetOrgAsync(a)).Status, Is.EqualTo(404), "OrgCreated of a is in the dead letters, unprojected");

        // The group's next message flows, and the projection catches up from the event store.
        var updated = await SendAsync(new ApiRequest("PUT", $"/orgs/{a.Id}").WithJson("""{"name":"A again","location":"Yangon"}""").WithBearer(a.Token));
        Assert.That(updated.Status, Is.EqualTo(200), updated.ToString());
        _deliveries.Clear();
        await DeliverUntilDrainedAsync(consumer);

        Assert.That(_deliveries.SelectMany(d => d.Failed), Is.Empty);
        var read = await GetOrgAsync(a);
        Assert.That(read.Status, Is.EqualTo(200), read.ToString());
        Assert.That(read.Json!["version"]!.GetValue<long>(), Is.EqualTo(2));
        Assert.That(read.Json["name"]!.GetValue<string>(), Is.EqualTo("A again"));
    }

    [Test]
    public async Task With_the_pump_running_the_poison_is_dead_lettered_and_its_group_flows_again()
    {
        // Local mode as it runs, but with retries 50 ms apart so the poison uses up its deliveries quickly.
        var environment = await ServiceEnvironment.CreateAsync(StoreUnderTest.Sqlite, _data.Path);
        var options = new InProcBrokerOptions { MaxReceiveCount = MaxReceiveCount, RetryDelay = TimeSpan.FromMilliseconds(50) };
        await using var service = await LocalService.StartAsync(environment, customise: services => services.AddInProcBroker(_data.Path, options));
        var broker = service.Services.GetRequiredService<InProcBroker>();
        var issuer = service.Services.GetRequiredService<ITokenIssuer>();
        var a = await NewOrgCallerAsync(issuer);
        var b = await NewOrgCallerAsync(issuer);

        await broker.PublishAsync([PoisonFor(a, Poison.NotJson)], CancellationToken.None);
        await service.Api.CreateOrgAsync(b.Token, """{"name":"B","location":"Taipei"}""");
        Assert.That((await service.Api.WaitForOrgAsync(b.Id, 1)).Json!["name"]!.GetValue<string>(), Is.EqualTo("B"));

        var dead = await Poll.UntilAsync(
            async () => await broker.ListDeadLettersAsync(CancellationToken.None) is { Count: > 0 } letters ? letters : null,
            "the poison to reach the dead letters");
        Assert.That(dead.Select(d => (d.DeduplicationId, d.ReceiveCount)), Is.EqualTo(new[] { (PoisonId, MaxReceiveCount) }));

        await service.Api.CreateOrgAsync(a.Token, """{"name":"A","location":"Hong Kong"}""");
        Assert.That((await service.Api.WaitForOrgAsync(a.Id, 1)).Json!["name"]!.GetValue<string>(), Is.EqualTo("A"));
        Assert.That(await broker.ListDeadLettersAsync(CancellationToken.None), Has.Count.EqualTo(1));
    }

    private static string StreamOf(OrgCaller caller) => AggregateState.StreamId<OrgState>(caller.Id);

    private static BrokerMessage PoisonFor(OrgCaller caller, Poison poison)
    {
        var stream = StreamOf(caller);
        var at = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
        // Were the attribute not checked, this would be projected as the org's version 1 under a forged name.
        var forged = EventSerializer.ToEnvelopeJson(new StoredEvent(
            Guid.NewGuid(), stream, 1, new OrgCreated(caller.Id, "Forged", "Nowhere", null, at), at, new EventMetadata("poison", null)));
        var (body, eventType) = poison switch
        {
            Poison.NotJson => ("""{"eventId":"0193""", "OrgRenamed.v9"),
            Poison.EventTypeMismatch => (forged, "OrgUpdated.v1"),
            Poison.NoEventType => (forged, null),
            _ => ($$$"""{"eventId":"{{{Guid.NewGuid()}}}","streamId":"{{{stream}}}","version":1,"type":"OrgRenamed.v9","occurredAt":"2026-11-27T09:00:00Z","data":{"orgId":"{{{caller.Id}}}"},"metadata":{}}""", "OrgRenamed.v9"),
        };
        var attributes = new Dictionary<string, string>();
        if (eventType is not null)
        {
            attributes[InProcCommitPublisher.EventTypeAttribute] = eventType;
        }

        return new BrokerMessage(stream, PoisonId, body, attributes);
    }

    private static async Task<OrgCaller> NewOrgCallerAsync(ITokenIssuer issuer)
    {
        var id = Guid.NewGuid().ToString();
        return new OrgCaller(id, (await issuer.IssueAsync(new TokenClaims(id, "org", "SG"), CancellationToken.None)).Token);
    }

    /// <summary>The broker's consumer side on the same broker.db, on the test's clock.</summary>
    private InProcBroker Consumer(int batchSize) => new(
        _data.Path,
        new InProcBrokerOptions { BatchSize = batchSize, MaxReceiveCount = MaxReceiveCount, RetryDelay = RetryDelay },
        _clock);

    /// <summary>Queues, in this order: a poison in org a's group, then a's OrgCreated, then b's (another group).</summary>
    private async Task<(OrgCaller A, OrgCaller B)> QueuePoisonThenTwoOrgsAsync(InProcBroker consumer, Poison poison)
    {
        var issuer = _services.GetRequiredService<ITokenIssuer>();
        var a = await NewOrgCallerAsync(issuer);
        var b = await NewOrgCallerAsync(issuer);
        await consumer.PublishAsync([PoisonFor(a, poison)], CancellationToken.None);
        foreach (var (caller, name) in new[] { (a, "A"), (b, "B") })
        {
            var created = await SendAsync(new ApiRequest("POST", "/orgs").WithJson($$"""{"name":"{{name}}","location":"Vientiane"}""").WithBearer(caller.Token));
            Assert.That(created.Status, Is.EqualTo(201), created.ToString());
        }

        return (a, b);
    }

    /// <summary>Delivers batch after batch to the function as local mode does; when nothing is visible, the retry delay passes.</summary>
    private async Task DeliverUntilDrainedAsync(InProcBroker consumer)
    {
        for (var step = 0; step < 50; step++)
        {
            var delivered = await consumer.DeliverOnceAsync(
                async (batch, ct) =>
                {
                    var failed = await LocalMode.DeliverAsync(_function, batch, null, ct);
                    _deliveries.Add((batch, failed));
                    return failed;
                },
                CancellationToken.None);
            if (delivered > 0)
            {
                continue;
            }

            if ((await consumer.CountAsync(CancellationToken.None)).Messages == 0)
            {
                return;
            }

            _clock.Advance(RetryDelay);
        }

        Assert.Fail("The queue did not drain.");
    }

    private List<int> Indexes(Func<ReceivedMessage, bool> holds) =>
        [.. _deliveries.Select((d, i) => (d, i)).Where(x => x.d.Batch.Any(holds)).Select(x => x.i)];

    private Task<ApiResponse> GetOrgAsync(OrgCaller caller) => SendAsync(new ApiRequest("GET", $"/orgs/{caller.Id}"));

    private async Task<ApiResponse> SendAsync(ApiRequest request)
    {
        var raw = await _function.HandleAsync(
            AwsEvents.HttpApi(request), new InvocationContext(Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddSeconds(30)), CancellationToken.None);
        return ApiResponse.Parse(raw, request);
    }

    private sealed record OrgCaller(string Id, string Token);
}
