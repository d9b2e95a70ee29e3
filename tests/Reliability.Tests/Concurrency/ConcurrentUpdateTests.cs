using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Reliability.Tests.Support;

namespace CleanCqrs.Reliability.Tests.Concurrency;

/// <summary>
/// 64 clients replace one org at the same moment, through the function entry, on each store, with
/// the broker delivering to the projection meanwhile.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.DynamoDb)]
public sealed class ConcurrentUpdateTests(StoreKind store)
{
    /// <summary>64 by default; the large scale doubles the crowd.</summary>
    private static readonly int Writers = Scale.Pick(64, 128);

    private ServiceHarness _service = null!;
    private CountingReadModelStore<OrgReadModel> _applied = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _service = await ServiceHarness.StartAsync(new HarnessOptions
        {
            Store = store,
            Configure = services => services.Decorate<IReadModelStore<OrgReadModel>>(
                (inner, _) => _applied = new CountingReadModelStore<OrgReadModel>(inner)),
        });
    }

    [TearDown]
    public async Task StopAsync() => await _service.DisposeAsync();

    [Test]
    public async Task Concurrent_replaces_without_If_Match_all_succeed_with_each_version_once()
    {
        var (orgId, token) = await CreateOrgAsync();

        var profiles = Enumerable.Range(0, Writers)
            .Select(i => new OrgProfileText($"Writer {i:D2}", $"City {i}", $"Written by writer {i}"))
            .ToArray();
        var responses = await AllAtOnceAsync(i => ApiRequest.PutJson($"/orgs/{orgId}", profiles[i].ToJson(), token));

        var refused = responses.Where(r => r.Status != 200).ToArray();
        Assert.That(refused, Is.Empty, $"{refused.Length} writers were refused; first: {refused.FirstOrDefault()}");
        var versions = responses.Select(r => r.Json!["version"]!.GetValue<long>()).ToArray();
        Assert.That(versions.Order(), Is.EqualTo(Enumerable.Range(2, Writers).Select(v => (long)v)), $"each version 2..{Writers + 1} exactly once");
        Assert.That(responses.Select((r, i) => r.Header("ETag")), Is.EqualTo(versions.Select(v => $"\"{v}\"")));

        var stream = await _service.ReadStreamAsync("org-" + orgId);
        Assert.That(stream.Select(e => e.Version), Is.EqualTo(Enumerable.Range(1, Writers + 1).Select(v => (long)v)));
        for (var i = 0; i < Writers; i++)
        {
            // The version a writer was told is the one that holds its profile.
            Assert.That(OrgProfileText.Of(stream[(int)versions[i] - 1].Data), Is.EqualTo(profiles[i]), $"writer {i} at version {versions[i]}");
        }

        var last = OrgProfileText.Of(stream[^1].Data)!;
        Assert.That(last, Is.EqualTo(profiles[Array.IndexOf(versions, Writers + 1)]));
        await ReadModelReachesAsync(orgId, Writers + 1, last);
        AssertNoVersionAppliedTwice();
        await Eventually.HoldsAsync(async () => (await _service.PendingAsync()) is { Count: > 0 } pending ? $"{pending.Count} commits pending" : null);
    }

    [Test]
    public async Task Concurrent_replaces_with_the_same_If_Match_let_exactly_one_through()
    {
        var (orgId, token) = await CreateOrgAsync();

        var profiles = Enumerable.Range(0, Writers)
            .Select(i => new OrgProfileText($"Pinned writer {i:D2}", "Somewhere", null))
            .ToArray();
        var responses = await AllAtOnceAsync(i => ApiRequest.PutJson($"/orgs/{orgId}", profiles[i].ToJson(), token, ifMatch: "\"1\""));

        var winners = responses.Select((r, i) => (Response: r, Writer: i)).Where(x => x.Response.Status == 200).ToArray();
        Assert.That(winners, Has.Length.EqualTo(1), string.Join("\n", responses.Select(r => r.ToString()).Distinct()));
        Assert.That(winners[0].Response.Json!["version"]!.GetValue<long>(), Is.EqualTo(2));
        var losers = responses.Where(r => r.Status != 200).ToArray();
        Assert.That(losers.Select(r => r.Status), Is.All.EqualTo(412));
        Assert.That(losers.Select(ProblemCheck.Violation), Is.All.Null);

        var stream = await _service.ReadStreamAsync("org-" + orgId);
        Assert.That(stream.Select(e => e.Version), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(OrgProfileText.Of(stream[1].Data), Is.EqualTo(profiles[winners[0].Writer]));
        await ReadModelReachesAsync(orgId, 2, profiles[winners[0].Writer]);
        AssertNoVersionAppliedTwice();
    }

    private async Task<(string OrgId, string Token)> CreateOrgAsync()
    {
        var orgId = Guid.NewGuid().ToString();
        var token = await _service.TokenAsync(orgId);
        var created = await _service.SendAsync(ApiRequest.PostJson("/orgs", new OrgProfileText("Contended Org", "Singapore", null).ToJson(), token));
        Assert.That(created.Status, Is.EqualTo(201), created.ToString());
        return (orgId, token);
    }

    /// <summary>Every request released at the same moment, each on its own thread-pool task.</summary>
    private async Task<ApiResponse[]> AllAtOnceAsync(Func<int, ApiRequest> request)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, Writers)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await _service.SendAsync(request(i));
            }))
            .ToArray();
        start.SetResult();
        return await Task.WhenAll(writers);
    }

    private async Task ReadModelReachesAsync(string orgId, long version, OrgProfileText expected)
    {
        ApiResponse? read = null;
        await Eventually.HoldsAsync(async () =>
        {
            read = await _service.SendAsync(new ApiRequest("GET", $"/orgs/{orgId}") { Query = $"minVersion={version}" });
            return read.Status == 200 ? null : $"the read model answers {read}";
        });
        Assert.That(read!.Json!["version"]!.GetValue<long>(), Is.EqualTo(version));
        Assert.That(OrgProfileText.Of(read.Json), Is.EqualTo(expected));
    }

    private void AssertNoVersionAppliedTwice() =>
        Assert.That(_applied.Applied.Where(a => a.Value > 1).Select(a => $"{a.Key.Id}@{a.Key.Version} x{a.Value}"), Is.Empty);
}
