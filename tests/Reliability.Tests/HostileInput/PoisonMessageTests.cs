using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.Reliability.Tests.Support;

namespace CleanCqrs.Reliability.Tests.HostileInput;

/// <summary>
/// A poison message in the in-process broker, delivered to the function as SQS FIFO batches: it fails
/// alone (with the later messages of its own group), other groups go on, and after MaxReceiveCount
/// deliveries it leaves the queue for the dead letters.
/// </summary>
public sealed class PoisonMessageTests
{
    private const int MaxReceiveCount = 3;

    private ServiceHarness _service = null!;
    private readonly List<(IReadOnlyList<ReceivedMessage> Batch, IReadOnlySet<string> Failed)> _deliveries = [];

    [SetUp]
    public async Task StartAsync() =>
        _service = await ServiceHarness.StartAsync(new HarnessOptions
        {
            RunLocalMode = false,
            // No retry delay: each delivery can follow the last at once.
            Broker = new InProcBrokerOptions { MaxReceiveCount = MaxReceiveCount, RetryDelay = TimeSpan.Zero },
        });

    [TearDown]
    public async Task StopAsync() => await _service.DisposeAsync();

    [Test]
    public async Task A_poison_message_fails_alone_and_is_dead_lettered_after_max_receive_count()
    {
        var (poisoned, poisonedToken) = await CreateOrgAsync("poisoned");
        var (healthy, healthyToken) = await CreateOrgAsync("healthy");
        await DeliverAllAsync();

        // The poison goes first in the poisoned org's group; each org's next event queues behind it.
        await _service.Broker.PublishAsync(
            [new BrokerMessage("org-" + poisoned, "poison-" + Guid.NewGuid(), "{\"this\":\"is no event\"", new Dictionary<string, string> { ["eventType"] = "OrgUpdated.v1" })],
            CancellationToken.None);
        await ReplaceAsync(poisoned, poisonedToken, "Poisoned, second");
        await ReplaceAsync(healthy, healthyToken, "Healthy, second");
        _deliveries.Clear();

        await DeliverOnceAsync();
        var (first, failed) = _deliveries.Single();
        Assert.That(first.Select(m => m.GroupId), Is.EqualTo(new[] { "org-" + poisoned, "org-" + poisoned, "org-" + healthy }));
        Assert.That(failed, Is.EquivalentTo(new[] { first[0].MessageId, first[1].MessageId }),
            "the poison fails, and the message behind it in its group with it; the other group is not held up");
        Assert.That((await _service.Orgs.GetAsync(healthy, CancellationToken.None))!.Name, Is.EqualTo("Healthy, second"));
        Assert.That((await _service.Orgs.GetAsync(poisoned, CancellationToken.None))!.Version, Is.EqualTo(1));

        await DeliverAllAsync();
        var poison = first[0].MessageId;
        Assert.That(_deliveries.Count(d => d.Batch.Any(m => m.MessageId == poison)), Is.EqualTo(MaxReceiveCount), "deliveries of the poison");
        var deadLetters = await _service.Broker.ListDeadLettersAsync(CancellationToken.None);
        Assert.That(deadLetters.Select(d => (d.MessageId, d.ReceiveCount)), Does.Contain((poison, MaxReceiveCount)));
        // As in SQS, the message held back behind the poison by the FIFO rule used up its receives too.
        Assert.That(deadLetters.Select(d => d.MessageId), Is.EquivalentTo(new[] { poison, first[1].MessageId }));
        Assert.That((await _service.Broker.CountAsync(CancellationToken.None)).Messages, Is.Zero, "the queue is empty again");

        // The group flows again: the next event brings the read model up to date from the store.
        await ReplaceAsync(poisoned, poisonedToken, "Poisoned, third");
        await DeliverAllAsync();
        var model = await _service.Orgs.GetAsync(poisoned, CancellationToken.None);
        Assert.That((model!.Version, model.Name), Is.EqualTo((3L, "Poisoned, third")));
    }

    private async Task<(string OrgId, string Token)> CreateOrgAsync(string name)
    {
        var orgId = name + "-" + Guid.NewGuid().ToString("N")[..8];
        var token = await _service.TokenAsync(orgId);
        var created = await _service.SendAsync(ApiRequest.PostJson("/orgs", new OrgProfileText(name, "Manila", null).ToJson(), token));
        Assert.That(created.Status, Is.EqualTo(201), created.ToString());
        return (orgId, token);
    }

    private async Task ReplaceAsync(string orgId, string token, string name)
    {
        var replaced = await _service.SendAsync(ApiRequest.PutJson($"/orgs/{orgId}", new OrgProfileText(name, "Manila", null).ToJson(), token));
        Assert.That(replaced.Status, Is.EqualTo(200), replaced.ToString());
    }

    private async Task<int> DeliverOnceAsync() =>
        await _service.Broker.DeliverOnceAsync(
            async (batch, ct) =>
            {
                var failed = await LocalMode.DeliverAsync(_service.Function, batch, null, ct);
                _deliveries.Add((batch, failed));
                return failed;
            },
            CancellationToken.None);

    private async Task DeliverAllAsync()
    {
        for (var round = 0; round < 100; round++)
        {
            if (await DeliverOnceAsync() == 0)
            {
                return;
            }
        }

        Assert.Fail("The broker never ran dry.");
    }
}
