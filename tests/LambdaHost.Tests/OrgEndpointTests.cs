using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>The rows of <c>POST /orgs</c>, <c>PUT /orgs/{id}</c> and <c>GET /orgs/{id}</c>, preconditions included.</summary>
public sealed class OrgEndpointTests
{
    private const string Subject = "5f0c1b2a-9d3e-5c4b-8a7f-0e1d2c3b4a59";
    private const string Profile = """{"name":"Acme","location":"Singapore","description":"We make things."}""";
    private const string NewProfile = """{"name":"Acme Two","location":"Jakarta"}""";

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

    [Test]
    public async Task Create_without_token_is_401()
    {
        ProblemAssert.IsProblem(await _host.PostJsonAsync("/orgs", Profile), 401);
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [Test]
    public async Task Create_by_a_worker_is_403()
    {
        ProblemAssert.IsProblem(await _host.PostJsonAsync("/orgs", Profile, _host.WorkerToken(Subject)), 403, "forbidden");
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [TestCase("""{"name":"   ","location":"Singapore"}""", "name")]
    [TestCase("""{"name":"Acme","location":"Singa\u0007pore"}""", "location")]
    [TestCase("""{"name":"Acme","location":"Singapore","description":"bell\u0007"}""", "description")]
    public async Task Create_with_invalid_fields_is_400(string body, string field)
    {
        ProblemAssert.IsValidationProblem(await _host.PostJsonAsync("/orgs", body, _token), field);
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [Test]
    public async Task Name_length_counts_code_points()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 120));
        var tooLong = emoji + "x";

        var ok = await _host.PostJsonAsync("/orgs", $$"""{"name":"{{emoji}}","location":"x"}""", _token);
        var rejected = await _host.PutJsonAsync($"/orgs/{Subject}", $$"""{"name":"{{tooLong}}","location":"x"}""", _token);

        Assert.That(ok.Status, Is.EqualTo(201), ok.ToString());
        Assert.That(ProblemAssert.IsValidationProblem(rejected, "name"), Is.EqualTo(new[] { "must be at most 120 characters" }));
    }

    [Test]
    public async Task Non_ascii_text_is_written_as_it_is()
    {
        await _host.PostJsonAsync("/orgs", """{"name":"บริษัท ตัวอย่าง","location":"東京"}""", _token);
        await _host.DeliverPublishedAsync();

        var read = await _host.GetAsync($"/orgs/{Subject}");

        Assert.That(read.Body, Does.Contain("\"name\":\"บริษัท ตัวอย่าง\"").And.Contain("\"location\":\"東京\""));
    }

    [Test]
    public async Task Creating_an_existing_org_is_409()
    {
        await CreateAsync();

        ProblemAssert.IsProblem(await _host.PostJsonAsync("/orgs", Profile, _token), 409, "conflict");
        Assert.That(_host.Store.CommitCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Update_without_token_is_401()
    {
        await CreateAsync();

        ProblemAssert.IsProblem(await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile), 401);
        Assert.That(_host.Store.CommitCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Update_of_another_org_is_403()
    {
        await CreateAsync();

        ProblemAssert.IsProblem(await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _host.OrgToken("someone-else")), 403);
        Assert.That(_host.Store.CommitCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Update_by_a_worker_with_the_same_subject_is_403()
    {
        await CreateAsync();

        ProblemAssert.IsProblem(await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _host.WorkerToken(Subject)), 403);
    }

    [Test]
    public async Task Update_of_an_org_never_created_is_404()
    {
        ProblemAssert.IsProblem(await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token), 404, "not-found");
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [Test]
    public async Task Update_without_If_Match_replaces_the_whole_profile()
    {
        await CreateAsync();

        var response = await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token);
        await _host.DeliverPublishedAsync();
        var read = await _host.GetAsync($"/orgs/{Subject}");

        Assert.That(response.Status, Is.EqualTo(200), response.ToString());
        Assert.That(response.Header("ETag"), Is.EqualTo("\"2\""));
        Assert.That(read.Json!["description"], Is.Null, "a missing description clears it");
        Assert.That(read.Json["location"]!.GetValue<string>(), Is.EqualTo("Jakarta"));
    }

    [Test]
    public async Task Update_with_a_stale_If_Match_is_412()
    {
        await CreateAsync();
        await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token);

        var response = await _host.PutJsonAsync($"/orgs/{Subject}", Profile, _token, ifMatch: "\"1\"");

        ProblemAssert.IsProblem(response, 412, "precondition-failed");
        Assert.That(_host.Store.CommitCount, Is.EqualTo(2));
    }

    [TestCase("\"1\"")]
    [TestCase("*")]
    [TestCase("\"7\", \"1\"")]
    [TestCase(" \"1\" ,")]
    public async Task Update_with_a_matching_If_Match_succeeds(string ifMatch)
    {
        await CreateAsync();

        var response = await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token, ifMatch);

        Assert.That(response.Status, Is.EqualTo(200), response.ToString());
        Assert.That(response.Header("ETag"), Is.EqualTo("\"2\""));
    }

    [TestCase("W/\"1\"")]
    [TestCase("\"01\"")]
    [TestCase("\"abc\"")]
    [TestCase("\"\"")]
    [TestCase("")]
    public async Task If_Match_that_cannot_match_strongly_is_412(string ifMatch)
    {
        await CreateAsync();

        var response = await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token, ifMatch);

        ProblemAssert.IsProblem(response, 412);
        Assert.That(_host.Store.CommitCount, Is.EqualTo(1));
    }

    [TestCase("*")]
    [TestCase("\"0\"")]
    [TestCase("\"1\"")]
    public async Task If_Match_on_an_org_that_does_not_exist_is_412(string ifMatch)
    {
        ProblemAssert.IsProblem(await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token, ifMatch), 412);
    }

    [TestCase("1")]
    [TestCase("\"1")]
    [TestCase("*, \"1\"")]
    [TestCase("\"1\" \"2\"")]
    [TestCase("W/1")]
    public async Task Malformed_If_Match_is_400(string ifMatch)
    {
        await CreateAsync();

        var response = await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token, ifMatch);

        ProblemAssert.IsValidationProblem(response, "ifMatch");
        Assert.That(_host.Store.CommitCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_updates_without_If_Match_all_succeed()
    {
        await CreateAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            _host.PutJsonAsync($"/orgs/{Subject}", $$"""{"name":"Acme {{i}}","location":"x"}""", _token))));

        Assert.That(responses.Select(r => r.Status), Has.All.EqualTo(200));
        Assert.That(responses.Select(r => r.Header("ETag")).Distinct().Count(), Is.EqualTo(20));
        Assert.That(_host.Store.Commits("org-" + Subject)[^1].Version, Is.EqualTo(21));
    }

    [Test]
    public async Task Concurrent_updates_with_the_same_If_Match_let_exactly_one_win()
    {
        await CreateAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            _host.PutJsonAsync($"/orgs/{Subject}", $$"""{"name":"Acme {{i}}","location":"x"}""", _token, ifMatch: "\"1\""))));

        Assert.That(responses.Count(r => r.Status == 200), Is.EqualTo(1));
        Assert.That(responses.Count(r => r.Status == 412), Is.EqualTo(9));
        Assert.That(_host.Store.CommitCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Get_of_an_org_not_projected_is_404()
    {
        ProblemAssert.IsProblem(await _host.GetAsync($"/orgs/{Subject}"), 404, "not-found");
    }

    [Test]
    public async Task Get_of_an_impossible_id_is_404_without_a_read()
    {
        ProblemAssert.IsProblem(await _host.GetAsync("/orgs/" + new string('x', 300)), 404);
    }

    [Test]
    public async Task Get_with_minVersion_0_of_an_org_not_projected_is_404()
    {
        ProblemAssert.IsProblem(await _host.GetAsync($"/orgs/{Subject}", "minVersion=0"), 404);
    }

    [Test]
    public async Task Get_behind_minVersion_is_202_with_the_projected_version()
    {
        await CreateAsync();
        await _host.DeliverPublishedAsync();
        await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token);

        var response = await _host.GetAsync($"/orgs/{Subject}", "minVersion=2");

        Assert.That(response.Status, Is.EqualTo(202));
        Assert.That(response.Header("Retry-After"), Is.EqualTo("1"));
        Assert.That(response.Json!.ToJsonString(), Is.EqualTo("""{"version":1,"minVersion":2}"""));
    }

    [Test]
    public async Task Get_at_or_past_minVersion_is_200()
    {
        await CreateAsync();
        await _host.DeliverPublishedAsync();

        var response = await _host.GetAsync($"/orgs/{Subject}", "minVersion=0001");

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(response.Header("Cache-Control"), Is.EqualTo("no-cache"));
    }

    [TestCase("minVersion=abc")]
    [TestCase("minVersion=-1")]
    [TestCase("minVersion=1.5")]
    [TestCase("minVersion=+1")]
    [TestCase("minVersion=")]
    [TestCase("minVersion=%201")]
    [TestCase("minVersion=1&minVersion=2")]
    [TestCase("minVersion=99999999999999999999")]
    public async Task Get_with_a_bad_minVersion_is_400(string query)
    {
        ProblemAssert.IsValidationProblem(await _host.GetAsync($"/orgs/{Subject}", query), "minVersion");
    }

    [TestCase("\"1\"")]
    [TestCase("W/\"1\"")]
    [TestCase("\"5\", W/\"1\"")]
    [TestCase("*")]
    public async Task Get_with_a_matching_If_None_Match_is_304(string ifNoneMatch)
    {
        await CreateAsync();
        await _host.DeliverPublishedAsync();

        var response = await _host.GetAsync($"/orgs/{Subject}", ifNoneMatch: ifNoneMatch);

        Assert.That(response.Status, Is.EqualTo(304));
        Assert.That(response.Header("ETag"), Is.EqualTo("\"1\""));
        Assert.That(response.Body, Is.Null);
    }

    [Test]
    public async Task Get_with_a_stale_If_None_Match_is_200()
    {
        await CreateAsync();
        await _host.DeliverPublishedAsync();
        await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token);
        await _host.DeliverPublishedAsync();

        var response = await _host.GetAsync($"/orgs/{Subject}", ifNoneMatch: "\"1\"");

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(response.Header("ETag"), Is.EqualTo("\"2\""));
    }

    [Test]
    public async Task Get_with_a_malformed_If_None_Match_is_400()
    {
        ProblemAssert.IsValidationProblem(await _host.GetAsync($"/orgs/{Subject}", ifNoneMatch: "1"), "ifNoneMatch");
    }

    [Test]
    public async Task Refused_requests_change_no_state()
    {
        await CreateAsync();
        await _host.DeliverPublishedAsync();
        var before = _host.Store.CommitCount;
        var huge = new string('x', 70_000);
        var refusals = new[]
        {
            await _host.SendAsync(new ApiRequest("PATCH", $"/orgs/{Subject}").WithBearer(_token)),
            await _host.SendAsync(new ApiRequest("PUT", $"/orgs/{Subject}") { Body = huge }.WithHeader("Content-Type", "application/json").WithBearer(_token)),
            await _host.SendAsync(new ApiRequest("PUT", $"/orgs/{Subject}") { Body = NewProfile }.WithHeader("Content-Type", "text/plain").WithBearer(_token)),
            await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile),
            await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _host.WorkerToken(Subject)),
            await _host.PutJsonAsync($"/orgs/{Subject}", """{"name":5}""", _token),
            await _host.PutJsonAsync($"/orgs/{Subject}", NewProfile, _token, "\"9\""),
            await _host.PostJsonAsync("/orgs", Profile, _token),
        };

        Assert.That(refusals.Select(r => r.Status), Is.EqualTo(new[] { 405, 413, 415, 401, 403, 400, 412, 409 }));
        Assert.That(_host.Store.CommitCount, Is.EqualTo(before));
        Assert.That(_host.Publisher.TakeUndelivered(), Is.Empty);
        Assert.That((await _host.GetAsync($"/orgs/{Subject}")).Json!["version"]!.GetValue<long>(), Is.EqualTo(1));
    }

    [Test]
    public async Task Rest_api_events_get_rest_api_responses()
    {
        var created = await _host.PostJsonAsync("/orgs", Profile, _token, PayloadFormat.RestApi);
        await _host.DeliverPublishedAsync();
        var read = await _host.SendAsync(new ApiRequest("GET", $"/orgs/{Subject}") { Query = "minVersion=1" }, PayloadFormat.RestApi);
        var twice = await _host.SendAsync(new ApiRequest("GET", $"/orgs/{Subject}") { Query = "minVersion=1&minVersion=1" }, PayloadFormat.RestApi);

        Assert.That(created.Status, Is.EqualTo(201), created.ToString());
        Assert.That(created.Header("Location"), Is.EqualTo($"/orgs/{Subject}"));
        Assert.That(read.Status, Is.EqualTo(200));
        Assert.That(read.Header("ETag"), Is.EqualTo("\"1\""));
        ProblemAssert.IsValidationProblem(twice, "minVersion");
    }

    private async Task CreateAsync()
    {
        var response = await _host.PostJsonAsync("/orgs", Profile, _token);
        Assert.That(response.Status, Is.EqualTo(201), response.ToString());
    }
}
