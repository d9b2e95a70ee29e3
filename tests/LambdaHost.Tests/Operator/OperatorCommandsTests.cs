using System.Text.Json.Nodes;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

namespace CleanCqrs.LambdaHost.Tests.Operator;

/// <summary>
/// The operator commands <c>events</c>, <c>streams</c> and <c>dead-letters [--requeue]</c>, run as an
/// operator runs them (the binary's command line, the server stopped), on both stores and on the
/// in-process broker's dead letters.
/// </summary>
[TestFixture(StoreUnderTest.Sqlite)]
[TestFixture(StoreUnderTest.DynamoDb)]
public sealed class OperatorCommandsTests(StoreUnderTest store)
{
    private TemporaryDataDirectory _data = null!;
    private ServiceEnvironment _environment = null!;
    private string _orgId = null!;

    [SetUp]
    public async Task SetUp()
    {
        _data = new TemporaryDataDirectory();
        _environment = await ServiceEnvironment.CreateAsync(store, _data.Path);

        await using var service = await LocalService.StartAsync(_environment);
        var (token, orgId) = await service.Api.SignInAsync(_data.Path, "operator@example.com");
        await service.Api.CreateOrgAsync(token, """{"name":"Operated","location":"Hanoi"}""");
        var updated = await service.Api.SendAsync(HttpMethod.Put, $"/orgs/{orgId}", """{"name":"Operated Co","location":"Hue"}""", token);
        Assert.That(updated.Status, Is.EqualTo(200), updated.ToString());
        _orgId = orgId;
    }

    [TearDown]
    public void TearDown() => _data.Dispose();

    [Test]
    public async Task Events_prints_the_streams_events_oldest_first_as_wire_envelopes()
    {
        var (exit, output, error) = await RunAsync("events", "org-" + _orgId);

        Assert.That(exit, Is.EqualTo(Program.ExitOk), error);
        var events = Lines(output).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.That(events.Select(e => e["type"]!.GetValue<string>()), Is.EqualTo(new[] { "OrgCreated.v1", "OrgUpdated.v1" }));
        Assert.That(events.Select(e => e["version"]!.GetValue<long>()), Is.EqualTo(new[] { 1L, 2L }));
        Assert.That(events.Select(e => e["streamId"]!.GetValue<string>()), Has.All.EqualTo("org-" + _orgId));
        Assert.That(events[1]["data"]!["name"]!.GetValue<string>(), Is.EqualTo("Operated Co"));
        Assert.That(error, Does.Contain($"2 event(s) in stream 'org-{_orgId}'"));
    }

    [Test]
    public async Task Events_of_a_stream_that_does_not_exist_fails_naming_it()
    {
        var (exit, output, error) = await RunAsync("events", "org-nobody");

        Assert.That(exit, Is.EqualTo(Program.ExitFailure));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("Stream 'org-nobody' has no events"));
    }

    [Test]
    public async Task Events_without_a_stream_id_is_a_usage_error()
    {
        var (exit, _, error) = await RunAsync("events");

        Assert.That(exit, Is.EqualTo(Program.ExitUsage));
        Assert.That(error, Does.Contain("needs the id of a stream"));
    }

    [Test]
    public async Task Streams_lists_every_stream_once()
    {
        var (exit, output, error) = await RunAsync("streams");

        Assert.That(exit, Is.EqualTo(Program.ExitOk), error);
        var streams = Lines(output);
        // One OTP stream (the sign-in) and the org's.
        Assert.That(streams, Has.Length.EqualTo(2).And.Member("org-" + _orgId).And.Exactly(1).StartsWith("otp-"));
        Assert.That(error, Does.Contain("2 stream(s)"));
    }

    [Test]
    public async Task Operator_commands_refuse_a_data_directory_that_does_not_exist_and_create_nothing()
    {
        var missing = Path.Combine(_data.Path, "no-such-dir");

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Program.RunCommandLineAsync(
            ["--data-dir", missing, "dead-letters"], output, error, _environment.Read, CancellationToken.None);

        Assert.That(exit, Is.EqualTo(Program.ExitUsage));
        Assert.That(error.ToString(), Does.Contain("There is no data directory at " + missing));
        Assert.That(Directory.Exists(missing), Is.False);
    }

    [Test]
    public async Task Dead_letters_lists_the_in_process_brokers_dead_letters_and_requeue_puts_them_back_with_progress()
    {
        const int count = 250;
        await DeadLetterAsync(count);

        var (listed, listing, listError) = await RunAsync("dead-letters");
        Assert.That(listed, Is.EqualTo(Program.ExitOk), listError);
        var letters = Lines(listing).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.That(letters, Has.Count.EqualTo(count));
        Assert.That(letters[0]["body"]!.GetValue<string>(), Is.EqualTo("poison-0"));
        Assert.That(letters[0]["groupId"]!.GetValue<string>(), Is.EqualTo("group-0"));
        Assert.That(letters[0]["receiveCount"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(listError, Does.Contain($"{count} dead letter(s) in the in-process broker's dead letters"));

        var (requeued, output, progress) = await RunAsync("dead-letters", "--requeue");

        Assert.That(requeued, Is.EqualTo(Program.ExitOk), progress);
        Assert.That(output, Does.Contain($"Requeued {count} dead letter(s)"));
        Assert.That(Lines(progress), Is.EqualTo(new[] { "... 100 requeued", "... 200 requeued", "... 250 requeued" }));
        using var broker = new InProcBroker(_data.Path);
        Assert.That(await broker.CountAsync(CancellationToken.None), Is.EqualTo(new BrokerCounts(count, 0, 0)));
        var redelivered = new List<ReceivedMessage>();
        await broker.DeliverOnceAsync(
            (batch, _) =>
            {
                redelivered.AddRange(batch);
                return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
            },
            CancellationToken.None);
        Assert.That(redelivered[0].Body, Is.EqualTo("poison-0"));
        Assert.That(redelivered[0].ReceiveCount, Is.EqualTo(1), "a requeued message starts its receive count again");
    }

    /// <summary>Messages that fail their only allowed delivery, as a poison message does.</summary>
    private async Task DeadLetterAsync(int count)
    {
        static Func<IReadOnlyList<ReceivedMessage>, CancellationToken, Task<IReadOnlySet<string>>> Failing(Func<ReceivedMessage, bool> fails) =>
            (batch, _) => Task.FromResult<IReadOnlySet<string>>(batch.Where(fails).Select(m => m.MessageId).ToHashSet());

        // First what the stopped service left in flight or undelivered, as its next start would.
        using (var leftovers = new InProcBroker(_data.Path))
        {
            await leftovers.ReleaseInFlightAsync(CancellationToken.None);
            while (await leftovers.DeliverOnceAsync(Failing(_ => false), CancellationToken.None) > 0)
            {
            }
        }

        using var broker = new InProcBroker(_data.Path, new InProcBrokerOptions { MaxReceiveCount = 1 });
        await broker.PublishAsync(
            [.. Enumerable.Range(0, count).Select(i => new BrokerMessage($"group-{i}", $"dedup-{i}", $"poison-{i}", new Dictionary<string, string>()))],
            CancellationToken.None);
        while (await broker.DeliverOnceAsync(Failing(_ => true), CancellationToken.None) > 0)
        {
        }

        Assert.That(await broker.CountAsync(CancellationToken.None), Is.EqualTo(new BrokerCounts(0, 0, count)));
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] command)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Program.RunCommandLineAsync(
            [.. command, "--data-dir", _data.Path], output, error, _environment.Read, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
