using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>SPEC 5.1 through the function entry with both API Gateway payload formats: closing an org, its history, HEAD, polls that end.</summary>
[TestFixture(PayloadFormat.HttpApi)]
[TestFixture(PayloadFormat.RestApi)]
public sealed class OrgLifecycleEndpointTests(PayloadFormat format)
{
    private const string Subject = "7a1c2b3d-4e5f-5a6b-8c7d-9e0f1a2b3c4d";
    private const string Profile = """{"name":"Acme","location":"Singapore"}""";

    private TestHost _host = null!;
    private string _token = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost();
        _token = _host.OrgToken(Subject);
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private Task<ApiResponse> Send(ApiRequest request) => _host.SendAsync(request, format);

    private Task<ApiResponse> Close(string? token = null, string? ifMatch = null, string id = Subject)
    {
        var request = new ApiRequest("DELETE", $"/orgs/{id}");
        request = token is null ? request : request.WithBearer(token);
        return Send(ifMatch is null ? request : request.WithHeader("If-Match", ifMatch));
    }

    private Task<ApiResponse> History(string? query = null, string? token = null) =>
        Send(new ApiRequest("GET", $"/orgs/{Subject}/history") { Query = query }.WithBearer(token ?? _token));

    private async Task CreateAsync() =>
        Assert.That((await Send(new ApiRequest("POST", "/orgs").WithJson(Profile).WithBearer(_token))).Status, Is.EqualTo(201));

    [Test]
    public async Task Delete_closes_the_org_with_200_id_version_and_etag()
    {
        await CreateAsync();

        var closed = await Close(_token, ifMatch: "\"1\"");

        Assert.That(closed.Status, Is.EqualTo(200), closed.ToString());
        Assert.That(closed.Json!["id"]!.GetValue<string>(), Is.EqualTo(Subject));
        Assert.That(closed.Json!["version"]!.GetValue<long>(), Is.EqualTo(2));
        Assert.That(closed.Header("ETag"), Is.EqualTo("\"2\""));
    }

    [Test]
    public async Task Delete_is_404_for_an_org_never_created_409_when_closed_and_412_on_a_stale_if_match()
    {
        ProblemAssert.IsProblem(await Close(_token), 404, "not-found");
        await CreateAsync();
        await Send(new ApiRequest("PUT", $"/orgs/{Subject}").WithJson(Profile).WithBearer(_token));

        ProblemAssert.IsProblem(await Close(_token, ifMatch: "\"1\""), 412, "precondition-failed");
        Assert.That((await Close(_token)).Status, Is.EqualTo(200));
        ProblemAssert.IsProblem(await Close(_token), 409, "conflict");
    }

    [Test]
    public async Task Delete_refuses_in_the_contracts_order_and_changes_nothing()
    {
        await CreateAsync();
        var before = _host.Store.CommitCount;

        ProblemAssert.IsProblem(await Close(), 401);
        ProblemAssert.IsProblem(await Close(_host.WorkerToken(Subject)), 403, "forbidden");
        ProblemAssert.IsProblem(await Close(_host.OrgToken("someone-else")), 403, "forbidden");
        ProblemAssert.IsProblem(await Close(_host.WorkerToken(Subject), ifMatch: "3"), 403, "forbidden");
        ProblemAssert.IsValidationProblem(await Close(_token, ifMatch: "3"), "ifMatch");
        Assert.That(_host.Store.CommitCount, Is.EqualTo(before));
    }

    [Test]
    public async Task After_closing_put_and_post_are_409_and_get_is_410_once_projected()
    {
        await CreateAsync();
        await _host.DeliverPublishedAsync();
        Assert.That((await Close(_token)).Status, Is.EqualTo(200));

        ProblemAssert.IsProblem(await Send(new ApiRequest("PUT", $"/orgs/{Subject}").WithJson(Profile).WithBearer(_token)), 409, "conflict");
        ProblemAssert.IsProblem(await Send(new ApiRequest("POST", "/orgs").WithJson(Profile).WithBearer(_token)), 409, "conflict");
        var waiting = await Send(new ApiRequest("GET", $"/orgs/{Subject}") { Query = "minVersion=2" });
        Assert.That(waiting.Status, Is.EqualTo(202));
        Assert.That(waiting.Header("Retry-After"), Is.EqualTo("1"));

        await _host.DeliverPublishedAsync();

        ProblemAssert.IsProblem(await Send(new ApiRequest("GET", $"/orgs/{Subject}")), 410, "gone");
        ProblemAssert.IsProblem(await Send(new ApiRequest("GET", $"/orgs/{Subject}") { Query = "minVersion=2" }), 410, "gone");
    }

    [Test]
    public async Task History_pages_the_events_of_the_org_from_the_event_store_closed_or_not()
    {
        await CreateAsync();
        await Send(new ApiRequest("PUT", $"/orgs/{Subject}").WithJson("""{"name":"Acme Two","location":"Jakarta"}""").WithBearer(_token));
        await Close(_token);

        var first = await History("limit=2");
        var second = await History("after=2&limit=2");

        Assert.That(first.Status, Is.EqualTo(200), first.ToString());
        Assert.That(first.Header("Content-Type"), Does.StartWith("application/json"));
        var events = first.Json!["events"]!.AsArray();
        Assert.That(events.Select(e => e!["type"]!.GetValue<string>()), Is.EqualTo(new[] { "OrgCreated.v1", "OrgUpdated.v1" }));
        Assert.That(events.Select(e => e!["version"]!.GetValue<long>()), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(events[1]!["data"]!["name"]!.GetValue<string>(), Is.EqualTo("Acme Two"));
        Assert.That(events[0]!["occurredAt"]!.GetValue<string>(), Does.EndWith("Z"));
        Assert.That(first.Json!["id"]!.GetValue<string>(), Is.EqualTo(Subject));
        Assert.That(first.Json!["next"]!.GetValue<long>(), Is.EqualTo(2));
        Assert.That(second.Json!["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()), Is.EqualTo(new[] { "OrgClosed.v1" }));
        Assert.That(second.Json!["next"], Is.Null);
    }

    [Test]
    public async Task History_is_404_without_a_stream_400_for_bad_paging_and_only_for_the_org_itself()
    {
        ProblemAssert.IsProblem(await History(), 404, "not-found");
        await CreateAsync();

        ProblemAssert.IsValidationProblem(await History("after=-1"), "after");
        ProblemAssert.IsValidationProblem(await History("limit=0"), "limit");
        ProblemAssert.IsValidationProblem(await History("limit=201"), "limit");
        ProblemAssert.IsValidationProblem(await History("limit=2&limit=3"), "limit");
        ProblemAssert.IsProblem(await Send(new ApiRequest("GET", $"/orgs/{Subject}/history")), 401);
        ProblemAssert.IsProblem(await History(token: _host.OrgToken("someone-else")), 403, "forbidden");
        ProblemAssert.IsProblem(await History("limit=0", token: _host.WorkerToken(Subject)), 403, "forbidden");
    }

    [Test]
    public async Task Head_answers_like_get_without_a_body()
    {
        await CreateAsync();
        await _host.DeliverPublishedAsync();

        var get = await Send(new ApiRequest("GET", $"/orgs/{Subject}"));
        var head = await Send(new ApiRequest("HEAD", $"/orgs/{Subject}"));
        var headMissing = await Send(new ApiRequest("HEAD", "/orgs/nobody"));
        var headJwks = await Send(new ApiRequest("HEAD", "/.well-known/jwks.json"));
        var headHistory = await Send(new ApiRequest("HEAD", $"/orgs/{Subject}/history").WithBearer(_token));

        Assert.That(head.Status, Is.EqualTo(200));
        Assert.That(head.Body, Is.Null.Or.Empty);
        Assert.That(head.Header("ETag"), Is.EqualTo(get.Header("ETag")));
        Assert.That(head.Header("Content-Type"), Is.EqualTo(get.Header("Content-Type")));
        Assert.That(head.Header("Cache-Control"), Is.EqualTo(get.Header("Cache-Control")));
        Assert.That((headMissing.Status, headMissing.Body ?? ""), Is.EqualTo((404, "")));
        Assert.That((headJwks.Status, headJwks.Body ?? ""), Is.EqualTo((200, "")));
        Assert.That((headHistory.Status, headHistory.Body ?? ""), Is.EqualTo((200, "")));
        var headNoRoute = await Send(new ApiRequest("HEAD", "/nope"));
        var headPostOnly = await Send(new ApiRequest("HEAD", "/otp"));
        Assert.That((headNoRoute.Status, headNoRoute.Body ?? ""), Is.EqualTo((404, "")));
        Assert.That((headPostOnly.Status, headPostOnly.Body ?? "", headPostOnly.Header("Allow")), Is.EqualTo((405, "", "POST")));
        Assert.That(headPostOnly.Header("Content-Type"), Does.StartWith("application/problem+json"));
    }

    [Test]
    public async Task A_poll_for_an_org_with_no_stream_ends_with_404_not_202()
    {
        ProblemAssert.IsProblem(await Send(new ApiRequest("GET", "/orgs/never-created") { Query = "minVersion=1" }), 404, "not-found");

        await CreateAsync();
        Assert.That((await Send(new ApiRequest("GET", $"/orgs/{Subject}") { Query = "minVersion=1" })).Status, Is.EqualTo(202));
    }

    [Test]
    public async Task An_if_match_with_more_than_sixteen_tags_is_400_and_sixteen_cost_one_load()
    {
        await CreateAsync();
        var sixteen = string.Join(", ", Enumerable.Range(100, 15).Select(v => $"\"{v}\"").Append("\"1\""));
        var seventeen = string.Join(", ", Enumerable.Range(100, 17).Select(v => $"\"{v}\""));

        ProblemAssert.IsValidationProblem(
            await Send(new ApiRequest("PUT", $"/orgs/{Subject}").WithJson(Profile).WithBearer(_token).WithHeader("If-Match", seventeen)), "ifMatch");
        var updated = await Send(new ApiRequest("PUT", $"/orgs/{Subject}").WithJson(Profile).WithBearer(_token).WithHeader("If-Match", sixteen));

        Assert.That(updated.Status, Is.EqualTo(200), updated.ToString());
        Assert.That(_host.Logs.Entries.Count(e => e.Message.StartsWith("UpdateOrg ", StringComparison.Ordinal)), Is.EqualTo(2), "one pipeline run per request");
    }

    [Test]
    public async Task Minversion_and_paging_values_are_checked_by_the_queries()
    {
        ProblemAssert.IsValidationProblem(await Send(new ApiRequest("GET", $"/orgs/{Subject}") { Query = "minVersion=-1" }), "minVersion");
        ProblemAssert.IsValidationProblem(await Send(new ApiRequest("GET", $"/orgs/{Subject}") { Query = "minVersion=1&minVersion=2" }), "minVersion");
    }
}
