using System.Net.Http.Json;
using System.Text;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Reliability.Tests.Support;

namespace CleanCqrs.Reliability.Tests.Faults;

/// <summary>
/// The real service, as a child process, is killed with SIGKILL in the middle of a stream of writes
/// and started again on the same data directory. What the clients were told must still hold.
/// </summary>
public sealed class ProcessKillTests
{
    private const int Seed = 9_2026;
    private const int Clients = 12;

    private string _dataDirectory = null!;

    [SetUp]
    public void CreateDataDirectory()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "cleancqrs-kill-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_dataDirectory);
    }

    [TearDown]
    public void DeleteDataDirectory()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temp cleanup.
        }
    }

    [Test]
    public async Task A_service_killed_mid_load_loses_no_acknowledged_write_and_catches_up_after_restart()
    {
        var commands = CommandLedger.Plan(Seed, Scale.Pick(300, 1_000), Scale.Pick(30, 100), "killed");
        var tokens = await IssueTokensAsync(commands.Select(c => c.OrgId).Distinct());
        var killAfter = commands.Count / 2;

        var service = await ServiceProcess.StartAsync(_dataDirectory);
        var firstPid = service.Id;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var gate = new AsyncGate();
        var killNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = 0;
        var inFlight = 0;
        var outcomes = new List<CommandOutcome>();

        // Each client owns some orgs, so an org's commands go out in order (a create before its replaces).
        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            foreach (var command in commands.Where(c => Owner(c.OrgId) == client))
            {
                await gate.WaitOpenAsync();
                Interlocked.Increment(ref inFlight);
                var outcome = await SendAsync(http, Volatile.Read(ref service).BaseUrl, command, tokens[command.OrgId]);
                Interlocked.Decrement(ref inFlight);
                lock (outcomes)
                {
                    outcomes.Add(outcome);
                }

                if (Interlocked.Increment(ref completed) == killAfter)
                {
                    killNow.TrySetResult();
                }
            }
        })).ToArray();

        await Task.WhenAny(killNow.Task, Task.WhenAll(clients));
        // Killed while the clients keep sending, at a moment when several requests are out: whatever is on the wire gets no answer.
        SpinWait.SpinUntil(() => Volatile.Read(ref inFlight) >= Clients / 2, TimeSpan.FromSeconds(2));
        service.KillHard();
        gate.Close();
        var killedAt = Volatile.Read(ref completed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var brokerDb = Path.Combine(_dataDirectory, "broker.db");
        // Received by the killed process and not settled: hidden until the visibility timeout runs out.
        var orphaned = await SqliteFiles.ScalarAsync(
            brokerDb, $"SELECT COUNT(*) FROM broker_messages WHERE invisible_until > {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        var restarted = await ServiceProcess.StartAsync(_dataDirectory);
        var restartTime = clock.Elapsed;
        Volatile.Write(ref service, restarted);
        gate.Open();
        await Task.WhenAll(clients);
        var inDoubt = outcomes.Count(o => o.Status is null);

        try
        {
            var ordered = outcomes.OrderBy(o => o.Command.Index).ToList();
            TestContext.Progress.WriteLine(
                $"kill -9 (seed {Seed}): pid {firstPid} killed after {killedAt} of {commands.Count} commands, {inDoubt} without a response; {orphaned} messages left in flight; restarted in {restartTime.TotalSeconds:0.0} s; {CommandLedger.Summary(ordered)}");
            Assert.That(ordered, Has.Count.EqualTo(commands.Count));
            Assert.That(ordered.Where(o => o.Status is not (null or 200 or 201 or 404 or 409)).Select(o => $"{o.Command}: {o.Status}"), Is.Empty);

            var eventsDb = Path.Combine(_dataDirectory, "events.db");
            var streams = await SqliteFiles.OrgStreamsAsync(eventsDb);
            Assert.That(CommandLedger.Contradictions(ordered, streams), Is.Empty);
            var stored = streams.Values.SelectMany(s => s).Select(e => e.Profile.Name).ToHashSet(StringComparer.Ordinal);
            TestContext.Progress.WriteLine(
                $"  of the {inDoubt} without a response, {ordered.Count(o => o.Status is null && stored.Contains(o.Command.Profile.Name))} landed (once each); store verified at {clock.Elapsed.TotalSeconds:0.0} s");

            // The restarted service's start-up sweep publishes what the killed one stored but never sent.
            await Eventually.HoldsAsync(async () =>
                await SqliteFiles.ScalarAsync(eventsDb, "SELECT COUNT(*) FROM commits WHERE published = 0") is var pending and > 0
                    ? $"{pending} commits pending"
                    : null);
            TestContext.Progress.WriteLine($"  nothing pending at {clock.Elapsed.TotalSeconds:0.0} s");
            await ReadModelsConvergeAsync(http, restarted.BaseUrl, streams);
            TestContext.Progress.WriteLine($"  read models converged at {clock.Elapsed.TotalSeconds:0.0} s");
            await Eventually.HoldsAsync(async () =>
                await SqliteFiles.ScalarAsync(brokerDb, "SELECT COUNT(*) FROM broker_messages") is var queued and > 0 ? $"{queued} messages queued" : null);
            Assert.That(await SqliteFiles.ScalarAsync(brokerDb, "SELECT COUNT(*) FROM broker_dead_letters"), Is.Zero);
        }
        catch
        {
            TestContext.Out.WriteLine("Output of the restarted service:\n" + restarted.Output);
            throw;
        }
        finally
        {
            restarted.Dispose();
        }
    }

    private static int Owner(string orgId) => (int)((uint)StableHash(orgId) % Clients);

    private static int StableHash(string value)
    {
        var hash = 17;
        foreach (var c in value)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }

    /// <summary>Tokens from the real local issuer over the key file the service will find in its data directory.</summary>
    private async Task<Dictionary<string, string>> IssueTokensAsync(IEnumerable<string> orgIds)
    {
        using var key = new LocalRsaSigningKey(_dataDirectory);
        var issuer = new JwtTokenService(key, new JwtOptions(JwtOptions.DefaultIssuer, JwtOptions.DefaultLifetime), TimeProvider.System);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var orgId in orgIds)
        {
            tokens[orgId] = (await issuer.IssueAsync(new TokenClaims(orgId, "org", "SG"), CancellationToken.None)).Token;
        }

        return tokens;
    }

    private static async Task<CommandOutcome> SendAsync(HttpClient http, Uri baseUrl, OrgCommand command, string token)
    {
        using var request = new HttpRequestMessage(command.IsCreate ? HttpMethod.Post : HttpMethod.Put, new Uri(baseUrl, command.IsCreate ? "/orgs" : $"/orgs/{command.OrgId}"))
        {
            Content = new StringContent(command.Profile.ToJson(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request);
            return CommandLedger.Outcome(command, await ApiResponse.ReadAsync(response, CancellationToken.None));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // The process died with the request in flight: the client cannot know whether it landed.
            return new CommandOutcome(command, null, null);
        }
    }

    private static Task ReadModelsConvergeAsync(
        HttpClient http, Uri baseUrl, IReadOnlyDictionary<string, IReadOnlyList<(long Version, OrgProfileText Profile)>> streams) =>
        Eventually.HoldsAsync(async () =>
        {
            foreach (var (orgId, events) in streams)
            {
                var (version, profile) = events[^1];
                using var response = await http.GetAsync(new Uri(baseUrl, $"/orgs/{orgId}?minVersion={version}"));
                var read = await ApiResponse.ReadAsync(response, CancellationToken.None);
                if (read.Status != 200)
                {
                    return $"GET /orgs/{orgId}?minVersion={version} answers {read}";
                }

                if (read.Json!["version"]!.GetValue<long>() != version || OrgProfileText.Of(read.Json) != profile)
                {
                    return $"org {orgId} reads {read.Body}, its stream ends at {version} with {profile}";
                }
            }

            return null;
        },
        // Messages the killed process had received stay hidden for the broker's visibility timeout (30 s).
        bound: TimeSpan.FromSeconds(60),
        interval: TimeSpan.FromMilliseconds(250));

    /// <summary>Lets clients through while open; while closed they wait before sending.</summary>
    private sealed class AsyncGate
    {
        private readonly Lock _sync = new();
        private TaskCompletionSource _open = NewOpen();

        public Task WaitOpenAsync()
        {
            lock (_sync)
            {
                return _open.Task;
            }
        }

        public void Close()
        {
            lock (_sync)
            {
                if (_open.Task.IsCompleted)
                {
                    _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        public void Open()
        {
            lock (_sync)
            {
                _open.TrySetResult();
            }
        }

        private static TaskCompletionSource NewOpen()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }
}
