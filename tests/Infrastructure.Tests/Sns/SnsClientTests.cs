using System.Globalization;
using System.Net;
using Amazon.Runtime;
using CleanCqrs.Infrastructure.Messaging.Sns;

namespace CleanCqrs.Infrastructure.Tests.Sns;

public sealed class SnsClientTests
{
    private FakeSnsServer _server = null!;
    private List<TimeSpan> _delays = null!;
    private SnsClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        _server = new FakeSnsServer();
        _delays = [];
        _client = SnsTestKit.Client(_server, _delays);
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Publish_posts_the_query_form_with_fifo_fields_and_attributes()
    {
        await _client.PublishAsync(
            new SnsPublishRequest
            {
                TopicArn = SnsTestKit.TopicArn,
                Message = "{\"hello\":\"wörld & more\"}",
                MessageGroupId = "org-42",
                MessageDeduplicationId = "0b7c4c84-1b8a-4a57-9d8e-0d7d3b0a5f11",
                Attributes = [new SnsMessageAttribute("eventType", "OrgCreated.v1"), new SnsMessageAttribute("count", "3", "Number")],
            },
            CancellationToken.None);

        var request = _server.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/"));
            Assert.That(request.Headers["Content-Type"], Is.EqualTo("application/x-www-form-urlencoded; charset=utf-8"));
            Assert.That(request.FormFields, Is.EqualTo(new Dictionary<string, string>
            {
                ["Action"] = "Publish",
                ["Version"] = "2010-03-31",
                ["TopicArn"] = SnsTestKit.TopicArn,
                ["Message"] = "{\"hello\":\"wörld & more\"}",
                ["MessageGroupId"] = "org-42",
                ["MessageDeduplicationId"] = "0b7c4c84-1b8a-4a57-9d8e-0d7d3b0a5f11",
                ["MessageAttributes.entry.1.Name"] = "eventType",
                ["MessageAttributes.entry.1.Value.DataType"] = "String",
                ["MessageAttributes.entry.1.Value.StringValue"] = "OrgCreated.v1",
                ["MessageAttributes.entry.2.Name"] = "count",
                ["MessageAttributes.entry.2.Value.DataType"] = "Number",
                ["MessageAttributes.entry.2.Value.StringValue"] = "3",
            }.ToList()));
        });
    }

    [Test]
    public async Task Publish_returns_the_message_id_and_sequence_number_from_the_response()
    {
        var result = await _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None);

        Assert.That(result, Is.EqualTo(new SnsPublishResult("94f20ce6-13c5-43a0-9a9e-ca52d816e90b", "10000000000000004000", "publish-1")));
    }

    [Test]
    public async Task Signs_requests_with_a_sigv4_authorization_header_that_verifies()
    {
        await _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "signed body" }, CancellationToken.None);

        var request = _server.Requests.Single();
        var authorization = SigV4.AuthorizationHeader().Match(request.Headers["Authorization"] ?? string.Empty);
        var amzDate = request.Headers["X-Amz-Date"] ?? string.Empty;
        Assert.Multiple(() =>
        {
            Assert.That(authorization.Success, Is.True, request.Headers["Authorization"]);
            Assert.That(authorization.Groups["akid"].Value, Is.EqualTo(SigV4.AccessKey));
            Assert.That(authorization.Groups["region"].Value, Is.EqualTo(SnsTestKit.Region));
            Assert.That(authorization.Groups["service"].Value, Is.EqualTo("sns"));
            Assert.That(authorization.Groups["signed"].Value.Split(';'), Does.Contain("host").And.Contain("x-amz-date"));
            Assert.That(
                DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                Is.True,
                amzDate);
            Assert.That(amzDate, Does.StartWith(authorization.Groups["date"].Value));
            Assert.That(authorization.Groups["signature"].Value, Is.EqualTo(SigV4.ExpectedSignature(request, SigV4.SecretKey)));
        });
    }

    [Test]
    public async Task Sends_and_signs_the_session_token_of_temporary_credentials()
    {
        using var temporary = SnsTestKit.Client(_server, credentials: new SessionAWSCredentials(SigV4.AccessKey, SigV4.SecretKey, "session-token-1"));

        await temporary.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None);

        var request = _server.Requests.Single();
        var authorization = SigV4.AuthorizationHeader().Match(request.Headers["Authorization"]!);
        Assert.Multiple(() =>
        {
            Assert.That(request.Headers["X-Amz-Security-Token"], Is.EqualTo("session-token-1"));
            Assert.That(authorization.Groups["signed"].Value.Split(';'), Does.Contain("x-amz-security-token"));
            Assert.That(authorization.Groups["signature"].Value, Is.EqualTo(SigV4.ExpectedSignature(request, SigV4.SecretKey)));
        });
    }

    [Test]
    public void Turns_an_error_response_into_an_SnsException_with_code_message_and_request_id()
    {
        _server.Enqueue(ScriptedResponse.Error(400, "InvalidParameter", "Invalid parameter: TopicArn"));

        var error = Assert.ThrowsAsync<SnsException>(() =>
            _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo("InvalidParameter"));
            Assert.That(error.ServiceMessage, Is.EqualTo("Invalid parameter: TopicArn"));
            Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(error.RequestId, Is.EqualTo("req-InvalidParameter"));
            Assert.That(error.IsRetryable, Is.False);
            Assert.That(error.Message, Does.Contain("InvalidParameter").And.Contain("Invalid parameter: TopicArn"));
        });
    }

    [TestCase(400, "InvalidParameter")]
    [TestCase(400, "ParameterValueInvalid")]
    [TestCase(403, "AuthorizationError")]
    [TestCase(404, "NotFound")]
    public void Does_not_retry_client_errors(int status, string code)
    {
        _server.Enqueue(ScriptedResponse.Error(status, code, "no"));

        var error = Assert.ThrowsAsync<SnsException>(() =>
            _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(code));
            Assert.That(_server.Requests, Has.Count.EqualTo(1));
            Assert.That(_delays, Is.Empty);
        });
    }

    [TestCase(400, "Throttling")]
    [TestCase(400, "ThrottlingException")]
    [TestCase(429, "TooManyRequestsException")]
    [TestCase(500, "InternalError")]
    [TestCase(503, "ServiceUnavailable")]
    public async Task Retries_throttling_and_server_errors_then_succeeds(int status, string code)
    {
        _server.Enqueue(ScriptedResponse.Error(status, code, "slow down", "Receiver"), ScriptedResponse.Error(status, code, "slow down", "Receiver"));

        var result = await _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.Not.Empty);
            Assert.That(_server.Requests, Has.Count.EqualTo(3));
            Assert.That(_delays, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100) }));
        });
    }

    [Test]
    public async Task Signs_each_retry_afresh()
    {
        _server.Enqueue(ScriptedResponse.Error(500, "InternalError", "oops", "Receiver"));

        await _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None);

        Assert.That(
            _server.Requests.Select(r => SigV4.AuthorizationHeader().Match(r.Headers["Authorization"]!).Groups["signature"].Value),
            Is.EqualTo(_server.Requests.Select(r => SigV4.ExpectedSignature(r, SigV4.SecretKey))));
    }

    [Test]
    public async Task Retries_a_dropped_connection()
    {
        _server.Enqueue(ScriptedResponse.Dropped);

        var result = await _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.Not.Empty);
            Assert.That(_server.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public void Gives_up_after_the_last_attempt_with_the_last_error()
    {
        _server.Enqueue(Enumerable.Repeat(ScriptedResponse.Error(500, "InternalError", "down", "Receiver"), 5).ToArray());

        var error = Assert.ThrowsAsync<SnsException>(() =>
            _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo("InternalError"));
            Assert.That(error.IsRetryable, Is.True);
            Assert.That(_server.Requests, Has.Count.EqualTo(4));
            Assert.That(_delays, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public void Reads_an_error_without_an_aws_body_from_its_status()
    {
        _server.Enqueue(new ScriptedResponse(502, "<html><body>Bad gateway</body>"), new ScriptedResponse(400, "not xml"));

        var error = Assert.ThrowsAsync<SnsException>(() =>
            _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, Message = "m" }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo("Http400"));
            Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(_server.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public void Refuses_a_publish_with_both_or_neither_of_topic_and_phone()
    {
        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ArgumentException>(() =>
                _client.PublishAsync(new SnsPublishRequest { Message = "m" }, CancellationToken.None));
            Assert.ThrowsAsync<ArgumentException>(() =>
                _client.PublishAsync(new SnsPublishRequest { TopicArn = SnsTestKit.TopicArn, PhoneNumber = "+6591234567", Message = "m" }, CancellationToken.None));
        });
        Assert.That(_server.Requests, Is.Empty);
    }

    [Test]
    public async Task PublishBatch_posts_member_fields_and_returns_message_ids()
    {
        var published = await _client.PublishBatchAsync(
            SnsTestKit.TopicArn,
            [
                new SnsBatchEntry("a1", "first") { MessageGroupId = "g", MessageDeduplicationId = "d1", Attributes = [new("eventType", "OrgCreated.v1")] },
                new SnsBatchEntry("a2", "second") { MessageGroupId = "g", MessageDeduplicationId = "d2" },
            ],
            CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_server.Requests.Single().FormFields, Is.EqualTo(new Dictionary<string, string>
            {
                ["Action"] = "PublishBatch",
                ["Version"] = "2010-03-31",
                ["TopicArn"] = SnsTestKit.TopicArn,
                ["PublishBatchRequestEntries.member.1.Id"] = "a1",
                ["PublishBatchRequestEntries.member.1.Message"] = "first",
                ["PublishBatchRequestEntries.member.1.MessageGroupId"] = "g",
                ["PublishBatchRequestEntries.member.1.MessageDeduplicationId"] = "d1",
                ["PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name"] = "eventType",
                ["PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType"] = "String",
                ["PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue"] = "OrgCreated.v1",
                ["PublishBatchRequestEntries.member.2.Id"] = "a2",
                ["PublishBatchRequestEntries.member.2.Message"] = "second",
                ["PublishBatchRequestEntries.member.2.MessageGroupId"] = "g",
                ["PublishBatchRequestEntries.member.2.MessageDeduplicationId"] = "d2",
            }.ToList()));
            Assert.That(published.Select(p => (p.Id, p.MessageId)), Is.EqualTo(new[] { ("a1", "msg-a1"), ("a2", "msg-a2") }));
        });
    }

    [Test]
    public async Task PublishBatch_splits_by_payload_size_as_well_as_count()
    {
        var big = new string('x', 100_000);
        var entries = Enumerable.Range(1, 5).Select(i => new SnsBatchEntry($"e{i}", big)).ToList();

        await _client.PublishBatchAsync(SnsTestKit.TopicArn, entries, CancellationToken.None);

        Assert.That(
            _server.Requests.Select(r => r.Form.Count(kv => kv.Key.EndsWith(".Id", StringComparison.Ordinal))),
            Is.EqualTo(new[] { 2, 2, 1 }));
    }

    [Test]
    public void A_partially_failed_batch_throws_and_later_batches_are_not_sent()
    {
        _server.FailEntries["e4"] = ("InternalError", false);
        var entries = Enumerable.Range(1, 15).Select(i => new SnsBatchEntry($"e{i}", "m")).ToList();

        var error = Assert.ThrowsAsync<SnsBatchException>(() => _client.PublishBatchAsync(SnsTestKit.TopicArn, entries, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error.Failed.Select(f => f.Id), Is.EqualTo(new[] { "e4" }));
            Assert.That(error.Code, Is.EqualTo("InternalError"));
            Assert.That(error.IsRetryable, Is.True);
            Assert.That(_server.Requests, Has.Count.EqualTo(1));
        });
    }
}
