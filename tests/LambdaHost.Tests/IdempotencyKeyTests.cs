using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>SPEC 5.2 through Lambda events: Idempotency-Key on POST /otp, POST /orgs, PUT and DELETE /orgs/{id}.</summary>
public sealed class IdempotencyKeyTests
{
    private const string Sub = "4d7e0c1a-2b3c-8d4e-9f50-61728394a5b6";
    private const string OtpBody = """{"primary":"keyed@example.com","role":"org","country":"SG"}""";
    private const string OrgBody = """{"name":"Acme","location":"Jakarta"}""";

    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    private Task<ApiResponse> Send(string method, string path, string body, string? key, string? token = null, PayloadFormat format = PayloadFormat.HttpApi)
    {
        var request = new ApiRequest(method, path).WithJson(body);
        request = key is null ? request : request.WithHeader("Idempotency-Key", key);
        return _host.SendAsync(token is null ? request : request.WithBearer(token), format);
    }

    [TestCase(PayloadFormat.HttpApi)]
    [TestCase(PayloadFormat.RestApi)]
    public async Task A_retried_otp_request_gets_the_first_response_again_and_issues_nothing_more(PayloadFormat format)
    {
        var first = await Send("POST", "/otp", OtpBody, "otp-key-1", format: format);
        _host.Clock.Advance(TimeSpan.FromSeconds(5));

        var retry = await Send("POST", "/otp", OtpBody, "otp-key-1", format: format);

        Assert.That(first.Status, Is.EqualTo(202));
        Assert.That(first.Header("Idempotency-Replayed"), Is.Null);
        Assert.That((retry.Status, retry.Body), Is.EqualTo((202, first.Body)), "not the 429 a second request within 30 s gets");
        Assert.That(retry.Header("Idempotency-Replayed"), Is.EqualTo("true"));
        Assert.That(retry.Header("Content-Type"), Is.EqualTo("application/json"));
        Assert.That(_host.Store.CommitCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_retried_create_gets_201_with_its_location_and_etag_not_409()
    {
        var token = _host.OrgToken(Sub);
        var first = await Send("POST", "/orgs", OrgBody, "create-1", token);

        var retry = await Send("POST", "/orgs", OrgBody, "create-1", token);
        var unkeyed = await Send("POST", "/orgs", OrgBody, null, token);

        Assert.That(first.Status, Is.EqualTo(201));
        Assert.That((retry.Status, retry.Header("Location"), retry.Header("ETag"), retry.Body),
            Is.EqualTo((201, first.Header("Location"), first.Header("ETag"), first.Body)));
        Assert.That(retry.Header("Idempotency-Replayed"), Is.EqualTo("true"));
        Assert.That(unkeyed.Status, Is.EqualTo(409), "without the key the same body is a new request");
    }

    [Test]
    public async Task A_retried_update_changes_nothing_and_a_kept_refusal_is_replayed_too()
    {
        var token = _host.OrgToken(Sub);
        await Send("POST", "/orgs", OrgBody, null, token);
        var update = """{"name":"Acme Pte","location":"Singapore"}""";
        var first = await _host.SendAsync(new ApiRequest("PUT", $"/orgs/{Sub}").WithJson(update).WithBearer(token)
            .WithHeader("If-Match", "\"1\"").WithHeader("Idempotency-Key", "put-1"));
        var retry = await _host.SendAsync(new ApiRequest("PUT", $"/orgs/{Sub}").WithJson(update).WithBearer(token)
            .WithHeader("If-Match", "\"1\"").WithHeader("Idempotency-Key", "put-1"));
        var stale = await _host.SendAsync(new ApiRequest("PUT", $"/orgs/{Sub}").WithJson(update).WithBearer(token)
            .WithHeader("If-Match", "\"1\"").WithHeader("Idempotency-Key", "put-2"));
        var staleAgain = await _host.SendAsync(new ApiRequest("PUT", $"/orgs/{Sub}").WithJson(update).WithBearer(token)
            .WithHeader("If-Match", "\"1\"").WithHeader("Idempotency-Key", "put-2"));

        Assert.That((first.Status, retry.Status, retry.Header("ETag")), Is.EqualTo((200, 200, "\"2\"")));
        Assert.That((stale.Status, staleAgain.Status, staleAgain.Header("Idempotency-Replayed")), Is.EqualTo((412, 412, "true")));
        Assert.That(_host.Store.Commits("org-" + Sub), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_retried_close_gets_its_first_200_again_not_409()
    {
        var token = _host.OrgToken(Sub);
        await Send("POST", "/orgs", OrgBody, null, token);
        var close = new ApiRequest("DELETE", $"/orgs/{Sub}").WithBearer(token).WithHeader("Idempotency-Key", "close-1");

        var first = await _host.SendAsync(close);
        var retry = await _host.SendAsync(close);
        var unkeyed = await _host.SendAsync(new ApiRequest("DELETE", $"/orgs/{Sub}").WithBearer(token));

        Assert.That((first.Status, first.Header("ETag")), Is.EqualTo((200, "\"2\"")));
        Assert.That((retry.Status, retry.Header("ETag"), retry.Body, retry.Header("Idempotency-Replayed")),
            Is.EqualTo((200, "\"2\"", first.Body, "true")));
        Assert.That(unkeyed.Status, Is.EqualTo(409), "without the key a second close is refused: the org is closed");
        Assert.That(_host.Store.Commits("org-" + Sub), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task The_same_key_with_another_body_is_a_422()
    {
        await Send("POST", "/otp", OtpBody, "reused");

        var other = await Send("POST", "/otp", """{"primary":"keyed@example.com","role":"org","country":"ID"}""", "reused");

        ProblemAssert.IsProblem(other, 422, "idempotency-key-reused");
        Assert.That(_host.Store.CommitCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Keys_belong_to_their_caller()
    {
        var first = await Send("POST", "/orgs", OrgBody, "shared-key", _host.OrgToken(Sub));
        var other = await Send("POST", "/orgs", OrgBody, "shared-key", _host.OrgToken("7a1b2c3d-4e5f-8a6b-9c7d-8e9f0a1b2c3d"));

        Assert.That((first.Status, other.Status), Is.EqualTo((201, 201)));
        Assert.That(other.Header("Idempotency-Replayed"), Is.Null);
    }

    [Test]
    public async Task A_validation_failure_is_not_kept_so_the_corrected_request_runs()
    {
        var token = _host.OrgToken(Sub);
        var invalid = await Send("POST", "/orgs", """{"name":"","location":"Jakarta"}""", "fix-me", token);

        var corrected = await Send("POST", "/orgs", OrgBody, "fix-me", token);

        Assert.That((invalid.Status, corrected.Status), Is.EqualTo((400, 201)));
    }

    [TestCase("")]
    [TestCase("caf\u00e9")]
    [TestCase("tab\there")]
    public async Task A_malformed_key_is_a_400(string key)
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp").WithJson(OtpBody).WithHeader("Idempotency-Key", key));

        ProblemAssert.IsValidationProblem(response, "idempotencyKey");
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [Test]
    public async Task A_malformed_key_answers_in_the_contracts_order_401_then_403_then_400()
    {
        // SPEC §2: authentication, then authorisation, then request validation; the key is request input.
        const string other = "7a1b2c3d-4e5f-8a6b-9c7d-8e9f0a1b2c3d";
        var token = _host.OrgToken(Sub);
        await Send("POST", "/orgs", OrgBody, null, token);

        var anonymous = await Send("PUT", $"/orgs/{Sub}", OrgBody, "caf\u00e9");
        var wrongSubject = await Send("PUT", $"/orgs/{Sub}", OrgBody, "caf\u00e9", _host.OrgToken(other));
        var closeByOther = await _host.SendAsync(
            new ApiRequest("DELETE", $"/orgs/{Sub}").WithBearer(_host.OrgToken(other)).WithHeader("Idempotency-Key", ""));
        var owner = await Send("PUT", $"/orgs/{Sub}", OrgBody, "caf\u00e9", token);
        var ownerClose = await _host.SendAsync(new ApiRequest("DELETE", $"/orgs/{Sub}").WithBearer(token).WithHeader("Idempotency-Key", ""));

        Assert.That((anonymous.Status, wrongSubject.Status, closeByOther.Status), Is.EqualTo((401, 403, 403)));
        ProblemAssert.IsValidationProblem(owner, "idempotencyKey");
        ProblemAssert.IsValidationProblem(ownerClose, "idempotencyKey");
        Assert.That(_host.Store.Commits("org-" + Sub), Has.Count.EqualTo(1), "no refused request changed the org");
    }

    [Test]
    public async Task A_key_of_256_characters_is_a_400_and_255_is_fine()
    {
        var tooLong = await Send("POST", "/otp", OtpBody, new string('k', 256));
        var longest = await Send("POST", "/otp", OtpBody, new string('k', 255));

        ProblemAssert.IsValidationProblem(tooLong, "idempotencyKey");
        Assert.That(longest.Status, Is.EqualTo(202));
    }

    [Test]
    public async Task A_key_sent_as_a_structured_field_string_is_the_same_key()
    {
        var first = await Send("POST", "/otp", OtpBody, "\"abc-123\"");
        var retry = await Send("POST", "/otp", OtpBody, "abc-123");

        Assert.That((first.Status, retry.Header("Idempotency-Replayed")), Is.EqualTo((202, "true")));
    }

    [Test]
    public async Task Sixty_four_concurrent_requests_with_one_key_run_once()
    {
        var token = _host.OrgToken(Sub);

        var replies = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => Send("POST", "/orgs", OrgBody, "crowd", token))));

        Assert.That(_host.Store.Commits("org-" + Sub), Has.Count.EqualTo(1), "one execution");
        Assert.That(replies.Count(r => r.Status == 201 && r.Header("Idempotency-Replayed") is null), Is.EqualTo(1));
        Assert.That(replies.Where(r => r.Status != 201).Select(r => r.Status), Is.All.EqualTo(409), "still running");
        Assert.That(replies.Where(r => r.Status == 409).Select(r => r.Header("Retry-After")), Is.All.EqualTo("1"));
    }
}
