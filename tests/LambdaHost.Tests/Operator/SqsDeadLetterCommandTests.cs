using System.Text.Json.Nodes;

namespace CleanCqrs.LambdaHost.Tests.Operator;

/// <summary>
/// <c>dead-letters [--requeue]</c> with <c>CLEANCQRS_BROKER=sns</c>: the SQS dead-letter queue named
/// by <c>DEAD_LETTER_QUEUE_URL</c>, here a loopback fake of SQS's JSON protocol.
/// </summary>
public sealed class SqsDeadLetterCommandTests
{
    private FakeSqsServer _sqs = null!;
    private TemporaryDataDirectory _data = null!;

    [SetUp]
    public void SetUp()
    {
        _sqs = new FakeSqsServer();
        _data = new TemporaryDataDirectory();
        _sqs.Add("m-1", "org-a", """{"type":"OrgCreated.v1"}""", 5);
        _sqs.Add("m-2", "org-b", """{"type":"OrgUpdated.v1"}""", 5);
        _sqs.Add("m-3", "org-c", """{"type":"OrgUpdated.v1"}""", 6);
    }

    [TearDown]
    public void TearDown()
    {
        _sqs.Dispose();
        _data.Dispose();
    }

    [Test]
    public async Task Lists_the_dead_letter_queue_and_leaves_every_message_visible()
    {
        var (exit, output, error) = await RunAsync("dead-letters");

        Assert.That(exit, Is.EqualTo(Program.ExitOk), error);
        var letters = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.That(letters.Select(l => l["messageId"]!.GetValue<string>()), Is.EqualTo(new[] { "m-1", "m-2", "m-3" }));
        Assert.That(letters[2]["groupId"]!.GetValue<string>(), Is.EqualTo("org-c"));
        Assert.That(letters[2]["receiveCount"]!.GetValue<int>(), Is.EqualTo(6));
        Assert.That(letters[0]["body"]!.GetValue<string>(), Is.EqualTo("""{"type":"OrgCreated.v1"}"""));
        Assert.That(error, Does.Contain("3 dead letter(s) in the SQS dead-letter queue " + _sqs.QueueUrl));
        Assert.That(_sqs.Hidden, Is.Zero, "listing must not hide the messages for the visibility timeout");
        Assert.That(_sqs.DeadLetterBodies, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Requeue_redrives_the_queue_to_its_source_and_reports_progress_until_done()
    {
        var (exit, output, error) = await RunAsync("dead-letters", "--requeue");

        Assert.That(exit, Is.EqualTo(Program.ExitOk), error);
        Assert.That(output, Does.Contain("Requeued 3 dead letter(s) from the SQS dead-letter queue"));
        Assert.That(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "... 2 requeued", "... 3 requeued" }));
        Assert.That(_sqs.Redriven, Has.Count.EqualTo(3));
        Assert.That(_sqs.DeadLetterBodies, Is.Empty);
        Assert.That(_sqs.Calls, Does.Contain("StartMessageMoveTask"));
    }

    [Test]
    public async Task Without_a_dead_letter_queue_url_it_names_the_setting()
    {
        var (exit, _, error) = await RunAsync(withQueueUrl: false, "dead-letters");

        Assert.That(exit, Is.EqualTo(Program.ExitUsage));
        Assert.That(error, Does.Contain("DEAD_LETTER_QUEUE_URL"));
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] command) => RunAsync(true, command);

    private async Task<(int Exit, string Output, string Error)> RunAsync(bool withQueueUrl, params string[] command)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // A data directory that does not exist: the SQS dead letters need nothing local.
            ["CLEANCQRS_DATA_DIR"] = Path.Combine(_data.Path, "absent"),
            ["CLEANCQRS_BROKER"] = "sns",
            ["EVENTS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:000000000000:cleancqrs-events.fifo",
            ["AWS_ENDPOINT_URL_SNS"] = "http://127.0.0.1:9",
            ["AWS_ENDPOINT_URL_SQS"] = _sqs.Endpoint.AbsoluteUri,
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials",
        };
        if (withQueueUrl)
        {
            environment["DEAD_LETTER_QUEUE_URL"] = _sqs.QueueUrl;
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Program.RunCommandLineAsync(command, output, error, environment.GetValueOrDefault, CancellationToken.None);
        Assert.That(Directory.Exists(Path.Combine(_data.Path, "absent")), Is.False, "the command created a local data directory");
        return (exit, output.ToString(), error.ToString());
    }
}
