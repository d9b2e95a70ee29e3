using System.Text;
using System.Text.Json.Nodes;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>SQS batches through the function: raw and SNS-wrapped bodies, idempotence, the FIFO failure rule.</summary>
public sealed class SqsConsumerTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task Raw_envelope_body_is_projected()
    {
        var failures = await HandleAsync(("m1", "org-a", Envelope("a", 1)));

        Assert.That(failures, Is.Empty);
        Assert.That((await _host.Orgs.GetAsync("a", default))!.Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Sns_wrapped_envelope_body_is_projected()
    {
        var failures = await HandleAsync(("m1", "org-a", AwsEvents.SnsEnvelope(Envelope("a", 1))));

        Assert.That(failures, Is.Empty);
        Assert.That((await _host.Orgs.GetAsync("a", default))!.Name, Is.EqualTo("Org a v1"));
    }

    [Test]
    public async Task Sns_wrapped_envelope_whose_notification_attribute_names_another_type_fails_the_record()
    {
        var notification = JsonNode.Parse(AwsEvents.SnsEnvelope(Envelope("a", 1)))!;
        notification["MessageAttributes"]!["eventType"]!["Value"] = "OrgUpdated.v1";

        var failures = await HandleAsync(("m1", "org-a", notification.ToJsonString()));

        Assert.That(failures, Is.EqualTo(new[] { "m1" }));
        Assert.That(await _host.Orgs.GetAsync("a", default), Is.Null);
    }

    [Test]
    public async Task Sns_wrapped_envelope_without_message_attributes_fails_the_record()
    {
        var notification = JsonNode.Parse(AwsEvents.SnsEnvelope(Envelope("a", 1)))!.AsObject();
        notification.Remove("MessageAttributes");

        var failures = await HandleAsync(("m1", "org-a", notification.ToJsonString()));

        Assert.That(failures, Is.EqualTo(new[] { "m1" }));
    }

    [Test]
    public async Task An_sqs_attribute_and_a_notification_attribute_that_disagree_fail_the_record()
    {
        var @event = JsonNode.Parse(AwsEvents.SqsFifo(("m1", "org-a", AwsEvents.SnsEnvelope(Envelope("a", 1)))))!;
        @event["Records"]![0]!["messageAttributes"] = AwsEvents.EventTypeAttribute("OrgUpdated.v1");

        var raw = await _host.Function.HandleAsync(AwsEvents.Bytes(@event), _host.NewContext(), CancellationToken.None);

        Assert.That(Encoding.UTF8.GetString(raw), Is.EqualTo("""{"batchItemFailures":[{"itemIdentifier":"m1"}]}"""));
    }

    [Test]
    public async Task Redelivered_event_is_skipped()
    {
        var envelope = Envelope("a", 1);

        await HandleAsync(("m1", "org-a", envelope));
        var failures = await HandleAsync(("m2", "org-a", envelope));

        Assert.That(failures, Is.Empty);
        Assert.That((await _host.Orgs.GetAsync("a", default))!.Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Failing_record_fails_the_rest_of_its_group_but_not_other_groups()
    {
        var failures = await HandleAsync(
            ("a1", "org-a", Envelope("a", 1)),
            ("b1", "org-b", Envelope("b", 1)),
            ("a2", "org-a", "this is not an event"),
            ("b2", "org-b", Envelope("b", 2)),
            ("a3", "org-a", Envelope("a", 2)),
            ("c1", "org-c", Envelope("c", 1)));

        Assert.That(failures, Is.EqualTo(new[] { "a2", "a3" }));
        Assert.That((await _host.Orgs.GetAsync("a", default))!.Version, Is.EqualTo(1), "a3 must not be processed");
        Assert.That((await _host.Orgs.GetAsync("b", default))!.Version, Is.EqualTo(2));
        Assert.That((await _host.Orgs.GetAsync("c", default))!.Version, Is.EqualTo(1));
    }

    [Test]
    public async Task Handler_exception_fails_the_record_and_its_group()
    {
        var otp = await _host.PostJsonAsync("/otp", """{"primary":"a@example.com","role":"org","country":"SG"}""");
        Assert.That(otp.Status, Is.EqualTo(202));
        var issued = EventSerializer.ToEnvelopeJson(_host.Publisher.TakeUndelivered().Single());
        _host.Sender.FailNext = 1;

        var failures = await HandleAsync(("o1", "otp-x", issued), ("o2", "otp-x", Envelope("z", 1)), ("a1", "org-a", Envelope("a", 1)));

        Assert.That(failures, Is.EqualTo(new[] { "o1", "o2" }));
        Assert.That(await _host.Orgs.GetAsync("z", default), Is.Null);
        Assert.That((await _host.Orgs.GetAsync("a", default))!.Version, Is.EqualTo(1));

        var retried = await HandleAsync(("o1", "otp-x", issued));
        Assert.That(retried, Is.Empty);
        Assert.That(_host.Sender.Sent, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Unknown_event_type_fails_the_record()
    {
        var envelope = JsonNode.Parse(Envelope("a", 1))!;
        envelope["type"] = "OrgRenamed.v9";

        var failures = await HandleAsync(("m1", "org-a", envelope.ToJsonString()));

        Assert.That(failures, Is.EqualTo(new[] { "m1" }));
    }

    [Test]
    public async Task Sns_notification_of_something_else_fails_the_record()
    {
        var raw = await _host.Function.HandleAsync(
            AwsEvents.Bytes(AwsEvents.Load("sqs-sns-envelope-event.json")), _host.NewContext(), CancellationToken.None);

        Assert.That(Encoding.UTF8.GetString(raw), Is.EqualTo("""{"batchItemFailures":[{"itemIdentifier":"79406a00-bf15-46ca-978c-22c3613fcb30"}]}"""));
    }

    [Test]
    public async Task Standard_queue_records_fail_independently()
    {
        var @event = AwsEvents.Load("sqs-event.json");
        @event["Records"]![1]!["body"] = Envelope("a", 1);
        @event["Records"]![1]!["messageAttributes"] = AwsEvents.EventTypeAttribute("OrgCreated.v1");

        var raw = await _host.Function.HandleAsync(AwsEvents.Bytes(@event), _host.NewContext(), CancellationToken.None);

        Assert.That(Encoding.UTF8.GetString(raw), Is.EqualTo("""{"batchItemFailures":[{"itemIdentifier":"059f36b4-87a3-44ab-83d2-661975830a7d"}]}"""));
        Assert.That(await _host.Orgs.GetAsync("a", default), Is.Not.Null);
    }

    [Test]
    public async Task Successful_batch_answers_an_empty_failure_list()
    {
        var raw = await _host.Function.HandleAsync(AwsEvents.SqsFifo(("m1", "org-a", Envelope("a", 1))), _host.NewContext(), CancellationToken.None);

        Assert.That(Encoding.UTF8.GetString(raw), Is.EqualTo("""{"batchItemFailures":[]}"""));
    }

    [Test]
    public async Task Event_that_skips_ahead_makes_the_projection_catch_up_from_the_store()
    {
        var token = _host.OrgToken("a");
        await _host.PostJsonAsync("/orgs", """{"name":"One","location":"x"}""", token);
        await _host.PutJsonAsync("/orgs/a", """{"name":"Two","location":"x"}""", token);
        var events = _host.Publisher.TakeUndelivered();

        var failures = await HandleAsync(("m2", "org-a", EventSerializer.ToEnvelopeJson(events[1])));

        Assert.That(failures, Is.Empty);
        Assert.That((await _host.Orgs.GetAsync("a", default))!.Name, Is.EqualTo("Two"));
    }

    [Test]
    public void Record_without_message_id_fails_the_invocation()
    {
        var @event = AwsEvents.Load("sqs-fifo-event.json");
        @event["Records"]![0]!.AsObject().Remove("messageId");

        Assert.ThrowsAsync<InvalidEventException>(async () =>
            await _host.Function.HandleAsync(AwsEvents.Bytes(@event), _host.NewContext(), CancellationToken.None));
    }

    private async Task<string[]> HandleAsync(params (string MessageId, string GroupId, string Body)[] records)
    {
        var raw = await _host.Function.HandleAsync(AwsEvents.SqsFifo(records), _host.NewContext(), CancellationToken.None);
        return [.. JsonNode.Parse(raw)!["batchItemFailures"]!.AsArray().Select(f => f!["itemIdentifier"]!.GetValue<string>())];
    }

    private static string Envelope(string orgId, long version)
    {
        var at = TestHost.Start.AddMinutes(version);
        var data = version == 1
            ? (Domain.Common.IDomainEvent)new OrgCreated(orgId, $"Org {orgId} v1", "Somewhere", null, at)
            : new OrgUpdated(orgId, $"Org {orgId} v{version}", "Somewhere", null, at);
        return EventSerializer.ToEnvelopeJson(new StoredEvent(Guid.NewGuid(), "org-" + orgId, version, data, at, new EventMetadata("corr", null)));
    }
}
