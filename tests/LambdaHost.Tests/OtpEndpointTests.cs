using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>The rows of <c>POST /otp</c> and <c>POST /otp/verify</c> (alias <c>POST /authenticate</c>).</summary>
public sealed class OtpEndpointTests
{
    private const string Email = "owner@example.com";

    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task Worker_gets_an_sms_otp_for_a_normalised_phone()
    {
        var response = await _host.PostJsonAsync("/otp", """{"primary":"0812 3456 7890","role":"worker","country":"ID"}""");

        Assert.That(response.Status, Is.EqualTo(202), response.ToString());
        Assert.That(response.Json!["channel"]!.GetValue<string>(), Is.EqualTo("sms"));
        Assert.That(response.Json["otpId"]!.GetValue<string>(), Does.Match("^[0-9a-f]{32}$"));
        await _host.DeliverPublishedAsync();
        Assert.That(_host.Sender.Sent.Single().To, Is.EqualTo("+6281234567890"));
    }

    [TestCase("""{"primary":"a@example.com","role":"admin","country":"SG"}""", "role")]
    [TestCase("""{"primary":"a@example.com","role":"org","country":"US"}""", "country")]
    [TestCase("""{"primary":"not-an-email","role":"org","country":"SG"}""", "primary")]
    [TestCase("""{"primary":"12","role":"worker","country":"SG"}""", "primary")]
    [TestCase("""{"role":"org","country":"SG"}""", "primary")]
    [TestCase("""{"primary":"a@example.com","country":"SG"}""", "role")]
    [TestCase("""{"primary":"a@example.com","role":"org","country":65}""", "country")]
    public async Task Invalid_otp_request_is_400_naming_the_field(string body, string field)
    {
        var response = await _host.PostJsonAsync("/otp", body);

        ProblemAssert.IsValidationProblem(response, field);
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [Test]
    public async Task Second_request_within_30_seconds_is_429_with_Retry_After()
    {
        await RequestAsync(Email);
        _host.Clock.Advance(TimeSpan.FromSeconds(10.5));

        var response = await _host.PostJsonAsync("/otp", $$"""{"primary":"{{Email}}","role":"org","country":"SG"}""");

        ProblemAssert.IsProblem(response, 429, "rate-limited");
        Assert.That(response.Header("Retry-After"), Is.EqualTo("20"));
        Assert.That(_host.Store.CommitCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Sixth_request_in_an_hour_waits_for_the_oldest_to_leave_the_window()
    {
        for (var i = 0; i < 5; i++)
        {
            await RequestAsync(Email);
            _host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var response = await _host.PostJsonAsync("/otp", $$"""{"primary":"{{Email}}","role":"org","country":"SG"}""");

        ProblemAssert.IsProblem(response, 429);
        Assert.That(response.Header("Retry-After"), Is.EqualTo("3300"));
    }

    [Test]
    public async Task Correct_code_returns_a_token_for_the_subject()
    {
        var otpId = await RequestAsync(Email);

        var response = await VerifyAsync(Email, otpId, DeterministicOtpCodes.CodeFor(otpId), "/otp/verify");

        Assert.That(response.Status, Is.EqualTo(200), response.ToString());
        Assert.That(response.Json!["subject"]!.GetValue<string>(), Does.Match("^[0-9a-f-]{36}$"));
        Assert.That(response.Json["token"]!.GetValue<string>(), Is.Not.Empty);
    }

    [Test]
    public async Task Wrong_code_is_401_invalid_code_with_attempts_remaining()
    {
        var otpId = await RequestAsync(Email);

        var response = await VerifyAsync(Email, otpId, DeterministicOtpCodes.WrongCodeFor(otpId));

        var problem = ProblemAssert.IsProblem(response, 401, "otp-rejected");
        Assert.That(problem["reason"]!.GetValue<string>(), Is.EqualTo("invalid_code"));
        Assert.That(problem["attemptsRemaining"]!.GetValue<int>(), Is.EqualTo(4));
        Assert.That(response.Header("Cache-Control"), Is.EqualTo("no-store"));
    }

    [Test]
    public async Task Fifth_wrong_code_leaves_no_attempts_and_locks_the_otp()
    {
        var otpId = await RequestAsync(Email);
        for (var i = 0; i < 4; i++)
        {
            await VerifyAsync(Email, otpId, DeterministicOtpCodes.WrongCodeFor(otpId));
        }

        var fifth = await VerifyAsync(Email, otpId, DeterministicOtpCodes.WrongCodeFor(otpId));
        var afterwards = await VerifyAsync(Email, otpId, DeterministicOtpCodes.CodeFor(otpId));

        Assert.That(ProblemAssert.IsProblem(fifth, 401)["attemptsRemaining"]!.GetValue<int>(), Is.Zero);
        var locked = ProblemAssert.IsProblem(afterwards, 401);
        Assert.That(locked["reason"]!.GetValue<string>(), Is.EqualTo("locked"));
        Assert.That(locked.ContainsKey("attemptsRemaining"), Is.False);
    }

    [Test]
    public async Task Expired_otp_is_401_expired()
    {
        var otpId = await RequestAsync(Email);
        _host.Clock.Advance(TimeSpan.FromMinutes(5));

        var response = await VerifyAsync(Email, otpId, DeterministicOtpCodes.CodeFor(otpId));

        Assert.That(ProblemAssert.IsProblem(response, 401)["reason"]!.GetValue<string>(), Is.EqualTo("expired"));
    }

    [Test]
    public async Task Used_otp_is_401_used()
    {
        var otpId = await RequestAsync(Email);
        await VerifyAsync(Email, otpId, DeterministicOtpCodes.CodeFor(otpId));

        var response = await VerifyAsync(Email, otpId, DeterministicOtpCodes.CodeFor(otpId));

        Assert.That(ProblemAssert.IsProblem(response, 401)["reason"]!.GetValue<string>(), Is.EqualTo("used"));
    }

    [Test]
    public async Task Superseded_otp_is_401_unknown()
    {
        var first = await RequestAsync(Email);
        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        await RequestAsync(Email);

        var response = await VerifyAsync(Email, first, DeterministicOtpCodes.CodeFor(first));

        Assert.That(ProblemAssert.IsProblem(response, 401)["reason"]!.GetValue<string>(), Is.EqualTo("unknown"));
    }

    [Test]
    public async Task Otp_of_nobody_is_401_unknown()
    {
        var response = await VerifyAsync(Email, "0123456789abcdef0123456789abcdef", "123456");

        Assert.That(ProblemAssert.IsProblem(response, 401)["reason"]!.GetValue<string>(), Is.EqualTo("unknown"));
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [TestCase("12345", "code")]
    [TestCase("1234567", "code")]
    [TestCase("12a456", "code")]
    public async Task Malformed_code_is_400(string code, string field)
    {
        var otpId = await RequestAsync(Email);

        var response = await VerifyAsync(Email, otpId, code);

        ProblemAssert.IsValidationProblem(response, field);
        Assert.That(_host.Store.CommitCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Malformed_otp_id_is_400()
    {
        var response = await VerifyAsync(Email, "not-an-otp-id", "123456");

        ProblemAssert.IsValidationProblem(response, "otpId");
    }

    [Test]
    public async Task Code_sent_as_a_number_is_400_naming_code()
    {
        var otpId = await RequestAsync(Email);

        var response = await _host.PostJsonAsync("/otp/verify",
            $$"""{"primary":"{{Email}}","role":"org","country":"SG","otpId":"{{otpId}}","code":123456}""");

        Assert.That(ProblemAssert.IsValidationProblem(response, "code"), Is.EqualTo(new[] { "must be a string, not a number" }));
    }

    [Test]
    public async Task Missing_verify_fields_are_400()
    {
        var response = await _host.PostJsonAsync("/otp/verify", """{"primary":"a@example.com","role":"org","country":"SG"}""");

        ProblemAssert.IsValidationProblem(response, "otpId");
        ProblemAssert.IsValidationProblem(response, "code");
    }

    private async Task<string> RequestAsync(string email)
    {
        var response = await _host.PostJsonAsync("/otp", $$"""{"primary":"{{email}}","role":"org","country":"SG"}""");
        Assert.That(response.Status, Is.EqualTo(202), response.ToString());
        return response.Json!["otpId"]!.GetValue<string>();
    }

    private Task<ApiResponse> VerifyAsync(string email, string otpId, string code, string path = "/authenticate") =>
        _host.PostJsonAsync(path, $$"""{"primary":"{{email}}","role":"org","country":"SG","otpId":"{{otpId}}","code":"{{code}}"}""");
}
