using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.Messaging.Sns;
using CleanCqrs.Infrastructure.Serialization;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Tests.Sns;

public sealed class SnsCommitPublisherTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private FakeSnsServer _server = null!;
    private SnsClient _client = null!;
    private SnsCommitPublisher _publisher = null!;

    [SetUp]
    public void SetUp()
    {
        _server = new FakeSnsServer();
        _client = SnsTestKit.Client(_server);
        _publisher = new SnsCommitPublisher(_client, SnsTestKit.TopicArn, NullLogger<SnsCommitPublisher>.Instance);
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Publishes_each_event_as_its_envelope_grouped_by_stream_and_deduplicated_by_event_id()
    {
        var commit = CommitOf("org-acme", 2);

        await _publisher.PublishAsync(commit, CancellationToken.None);

        var form = _server.Requests.Single().Form;
        Assert.Multiple(() =>
        {
            Assert.That(form["Action"], Is.EqualTo("PublishBatch"));
            Assert.That(form["TopicArn"], Is.EqualTo(SnsTestKit.TopicArn));
            for (var i = 0; i < 2; i++)
            {
                var member = $"PublishBatchRequestEntries.member.{i + 1}.";
                var stored = commit.Events[i];
                Assert.That(form[member + "Message"], Is.EqualTo(EventSerializer.ToEnvelopeJson(stored)));
                Assert.That(form[member + "MessageGroupId"], Is.EqualTo("org-acme"));
                Assert.That(form[member + "MessageDeduplicationId"], Is.EqualTo(stored.EventId.ToString()));
                Assert.That(form[member + "MessageAttributes.entry.1.Name"], Is.EqualTo("eventType"));
                Assert.That(form[member + "MessageAttributes.entry.1.Value.DataType"], Is.EqualTo("String"));
                Assert.That(form[member + "MessageAttributes.entry.1.Value.StringValue"], Is.EqualTo(EventSerializer.TypeName(stored.Data)));
            }
        });
    }

    [Test]
    public async Task Splits_23_events_into_3_calls_in_stream_order()
    {
        var commit = CommitOf("org-big", 23);

        await _publisher.PublishAsync(commit, CancellationToken.None);

        var sentDedupIds = _server.Requests
            .SelectMany(r => r.FormFields.Where(kv => kv.Key.EndsWith(".MessageDeduplicationId", StringComparison.Ordinal)).Select(kv => kv.Value))
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(
                _server.Requests.Select(r => r.Form.Count(kv => kv.Key.EndsWith(".Id", StringComparison.Ordinal))),
                Is.EqualTo(new[] { 10, 10, 3 }));
            Assert.That(sentDedupIds, Is.EqualTo(commit.Events.Select(e => e.EventId.ToString())));
        });
    }

    [Test]
    public void Throws_when_SNS_refuses_an_event_so_the_commit_stays_pending()
    {
        var commit = CommitOf("org-acme", 3);
        _server.FailEntries[commit.Events[1].EventId.ToString("N")] = ("InvalidParameter", true);

        var error = Assert.ThrowsAsync<SnsBatchException>(async () => await _publisher.PublishAsync(commit, CancellationToken.None));

        Assert.That(error.Failed.Single().Code, Is.EqualTo("InvalidParameter"));
    }

    [Test]
    public void Throws_when_the_call_fails()
    {
        _server.Enqueue(ScriptedResponse.Error(403, "AuthorizationError", "not allowed"));

        var error = Assert.ThrowsAsync<SnsException>(async () => await _publisher.PublishAsync(CommitOf("org-acme", 1), CancellationToken.None));

        Assert.That(error.Code, Is.EqualTo("AuthorizationError"));
    }

    [Test]
    public async Task Sends_nothing_for_a_commit_without_events()
    {
        await _publisher.PublishAsync(new Commit("org-empty", 3, [], new object(), At), CancellationToken.None);

        Assert.That(_server.Requests, Is.Empty);
    }

    private static Commit CommitOf(string streamId, int count)
    {
        var events = Enumerable.Range(1, count)
            .Select(v => new StoredEvent(
                Guid.NewGuid(),
                streamId,
                v,
                v == 1
                    ? new OrgCreated(streamId, "Acme", "Jakarta", null, At)
                    : new OrgUpdated(streamId, $"Acme {v}", "Jakarta", "d", At),
                At,
                new EventMetadata("corr-1")))
            .ToList();
        return new Commit(streamId, 0, events, new object(), At);
    }
}
