using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Serialization;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>SPEC 5.3 through Lambda events (both payload formats): limits, budgets, refusals, keyed subjects.</summary>
public sealed class AbuseLimitTests
{
    private const string Attacker = "198.51.100.66";
    private const string Victim = "203.0.113.10";

    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    private static string OrgBody(string email) => $$"""{"primary":"{{email}}","role":"org","country":"SG"}""";

    private static string WorkerBody(string phone, string country = "ID") => $$"""{"primary":"{{phone}}","role":"worker","country":"{{country}}"}""";

    private Task<ApiResponse> Post(string body, string from, PayloadFormat format = PayloadFormat.HttpApi) =>
        _host.SendAsync(new ApiRequest("POST", "/otp").WithJson(body).From(from), format);

    [TestCase(PayloadFormat.HttpApi)]
    [TestCase(PayloadFormat.RestApi)]
    public async Task Each_source_address_gets_its_own_hourly_allowance_from_the_request_context(PayloadFormat format)
    {
        for (var i = 0; i < 60; i++)
        {
            var accepted = await Post(OrgBody($"user{i}@example.com"), Attacker, format);
            Assert.That(accepted.Status, Is.EqualTo(202), accepted.ToString());
        }

        var refused = await Post(OrgBody("one-more@example.com"), Attacker, format);
        var elsewhere = await Post(OrgBody("one-more@example.com"), Victim, format);

        ProblemAssert.IsProblem(refused, 429, "rate-limited");
        Assert.That(refused.Header("Retry-After"), Is.EqualTo("3600"));
        Assert.That(elsewhere.Status, Is.EqualTo(202), "another address is not affected");
    }

    [Test]
    public async Task A_forwarded_for_header_does_not_change_the_address_counted()
    {
        for (var i = 0; i < 60; i++)
        {
            await Post(OrgBody($"user{i}@example.com"), Attacker);
        }

        var spoofed = await _host.SendAsync(new ApiRequest("POST", "/otp").WithJson(OrgBody("spoof@example.com")).From(Attacker)
            .WithHeader("X-Forwarded-For", Victim).WithHeader("X-Real-IP", Victim));

        ProblemAssert.IsProblem(spoofed, 429, "rate-limited");
    }

    [Test]
    public async Task The_address_limit_is_a_setting()
    {
        using var host = new TestHost(new ServiceSettings { OtpAddressLimitPerHour = 2 });
        Task<ApiResponse> Send(int i) => host.SendAsync(new ApiRequest("POST", "/otp").WithJson(OrgBody($"u{i}@example.com")).From(Attacker));

        Assert.That((await Send(1)).Status, Is.EqualTo(202));
        Assert.That((await Send(2)).Status, Is.EqualTo(202));
        Assert.That((await Send(3)).Status, Is.EqualTo(429));
    }

    [Test]
    public async Task One_address_cannot_lock_another_out_of_the_same_primary()
    {
        const string victim = "victim@example.com";
        var first = await Post(OrgBody(victim), Attacker);
        var tooSoon = await Post(OrgBody(victim), Attacker);

        var victimsOwn = await Post(OrgBody(victim), Victim);

        Assert.That(first.Status, Is.EqualTo(202));
        ProblemAssert.IsProblem(tooSoon, 429, "rate-limited");
        Assert.That(tooSoon.Header("Retry-After"), Is.EqualTo("30"));
        Assert.That(victimsOwn.Status, Is.EqualTo(202), victimsOwn.ToString());
    }

    [Test]
    public async Task One_address_gets_five_otps_an_hour_for_a_primary_and_the_primary_twenty_across_addresses()
    {
        const string victim = "popular@example.com";
        for (var i = 0; i < 5; i++)
        {
            Assert.That((await Post(OrgBody(victim), Attacker)).Status, Is.EqualTo(202));
            _host.Clock.Advance(TimeSpan.FromSeconds(31));
        }

        ProblemAssert.IsProblem(await Post(OrgBody(victim), Attacker), 429, "rate-limited");
        for (var address = 1; address <= 15; address++)
        {
            Assert.That((await Post(OrgBody(victim), $"198.51.100.{address}")).Status, Is.EqualTo(202), $"address {address}");
        }

        var ceiling = await Post(OrgBody(victim), Victim);

        ProblemAssert.IsProblem(ceiling, 429, "rate-limited");
        Assert.That(int.Parse(ceiling.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(3600 - (5 * 31), 3600));
    }

    [Test]
    public async Task The_sms_budget_refuses_with_a_problem_naming_it_and_leaves_email_alone()
    {
        using var host = new TestHost(new ServiceSettings { SmsBudgetPerHour = 3 });
        Task<ApiResponse> Sms(int i) => host.SendAsync(
            new ApiRequest("POST", "/otp").WithJson(WorkerBody($"+62812345678{i:D2}")).From($"198.51.100.{i}"));

        for (var i = 1; i <= 3; i++)
        {
            Assert.That((await Sms(i)).Status, Is.EqualTo(202));
        }

        var refused = await Sms(4);
        var email = await host.SendAsync(new ApiRequest("POST", "/otp").WithJson(OrgBody("still@example.com")).From("198.51.100.4"));

        var problem = ProblemAssert.IsProblem(refused, 429);
        Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:cleancqrs:problem:budget-exhausted:sms"));
        Assert.That(refused.Header("Retry-After"), Is.EqualTo("3600"));
        Assert.That(email.Status, Is.EqualTo(202));
        Assert.That(host.Logs.Entries.Any(e => e.Message.Contains("sms budget", StringComparison.OrdinalIgnoreCase)), Is.True);

        // A refused request counted nothing: an hour after the first, exactly one place is free again.
        host.Clock.Advance(TimeSpan.FromHours(1));
        Assert.That((await Sms(5)).Status, Is.EqualTo(202));
        Assert.That((await Sms(6)).Status, Is.EqualTo(202));
        Assert.That((await Sms(7)).Status, Is.EqualTo(202));
        Assert.That((await Sms(8)).Status, Is.EqualTo(429));
    }

    [TestCase("+6563123456", "SG", "must be a mobile number, not a fixed-line number")]
    [TestCase("+447400123456", "SG", "must be a number of one of the countries OTPs are sent to")]
    public async Task Sms_only_to_mobile_numbers_of_allowed_countries(string phone, string country, string message)
    {
        var response = await Post(WorkerBody(phone, country), Victim);

        Assert.That(ProblemAssert.IsValidationProblem(response, "primary").Single(), Does.StartWith(message));
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [Test]
    public async Task A_premium_rate_number_is_a_400()
    {
        var util = PhoneNumbers.PhoneNumberUtil.GetInstance();
        var premium = util.Format(util.GetExampleNumberForType("SG", PhoneNumbers.PhoneNumberType.PREMIUM_RATE), PhoneNumbers.PhoneNumberFormat.E164);

        var response = await Post(WorkerBody(premium, "SG"), Victim);

        Assert.That(ProblemAssert.IsValidationProblem(response, "primary").Single(), Is.EqualTo("must be a mobile number, not a premium-rate number"));
    }

    [Test]
    public async Task Sms_countries_are_a_setting()
    {
        using var host = new TestHost(new ServiceSettings { OtpCountries = new HashSet<string> { "ID" } });

        var singapore = await host.SendAsync(new ApiRequest("POST", "/otp").WithJson(WorkerBody("+6591234567", "SG")));
        var indonesia = await host.SendAsync(new ApiRequest("POST", "/otp").WithJson(WorkerBody("+6281234567890", "SG")));

        Assert.That(ProblemAssert.IsValidationProblem(singapore, "primary").Single(), Does.Contain("(ID)"));
        Assert.That(indonesia.Status, Is.EqualTo(202), "the number's own region counts, not the country given");
    }

    [TestCase("ali\u200Bce@example.com")]
    [TestCase("ali\u00ADce@example.com")]
    [TestCase("\uFEFFalice@example.com")]
    public async Task Invisible_characters_in_an_email_local_part_are_a_400(string email)
    {
        var response = await Post(OrgBody(email), Victim);

        Assert.That(ProblemAssert.IsValidationProblem(response, "primary").Single(), Does.Contain("Cf"));
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [TestCase("POST", "/otp")]
    [TestCase("POST", "/otp/verify")]
    [TestCase("POST", "/orgs")]
    [TestCase("PUT", "/orgs/{sub}")]
    public async Task A_lone_surrogate_in_a_property_name_or_value_is_a_400_on_every_body_endpoint(string method, string path)
    {
        const string sub = "0b6a5d6e-52a4-8f3b-9c41-0d2e7f6a1b3c";
        var token = _host.OrgToken(sub);
        foreach (var body in new[]
                 {
                     """{"\ud800":"x","primary":"a@example.com","role":"org","country":"SG","name":"A","location":"B"}""",
                     """{"name":"A","location":"B","extra":{"deep":["\udfff"]}}""",
                     """{"\udc00name":1}""",
                 })
        {
            var request = new ApiRequest(method, path.Replace("{sub}", sub, StringComparison.Ordinal)).WithJson(body).WithBearer(token);

            var response = await _host.SendAsync(request);

            Assert.That(response.Status, Is.EqualTo(400), $"{body}: {response}");
            Assert.That(ProblemAssert.IsValidationProblem(response, response.Json!["errors"]!.AsObject().Single().Key).Single(),
                Is.EqualTo("must be valid Unicode text"));
        }

        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [Test]
    public async Task The_subject_is_a_keyed_version_8_uuid()
    {
        var otp = await Post(OrgBody("owner@example.com"), Victim);
        var otpId = otp.Json!["otpId"]!.GetValue<string>();

        var verified = await _host.PostJsonAsync("/otp/verify",
            $$"""{"primary":"owner@example.com","role":"org","country":"SG","otpId":"{{otpId}}","code":"{{DeterministicOtpCodes.CodeFor(otpId)}}"}""");

        var subject = Guid.Parse(verified.Json!["subject"]!.GetValue<string>());
        Assert.That(subject.Version, Is.EqualTo(8));
    }

    [Test]
    public async Task A_redelivered_otp_issued_event_is_sent_once_and_a_failed_send_is_sent_on_retry()
    {
        await Post(OrgBody("once@example.com"), Victim);
        var events = _host.Publisher.TakeUndelivered();
        _host.Sender.FailNext = 1;

        var first = await Deliver(events);
        var retry = await Deliver(events);
        var redelivery = await Deliver(events);

        Assert.That(first, Has.Count.EqualTo(1), "the failed send is reported back to the queue");
        Assert.That(retry, Is.Empty);
        Assert.That(redelivery, Is.Empty);
        Assert.That(_host.Sender.Sent, Has.Count.EqualTo(1));
    }

    private async Task<IReadOnlySet<string>> Deliver(IReadOnlyList<Application.Common.EventSourcing.StoredEvent> events) =>
        await _host.Function.DeliverAsync(
            [.. events.Select(stored => new LocalSqsRecord(
                Guid.NewGuid().ToString(), stored.StreamId, stored.EventId.ToString(), EventSerializer.ToEnvelopeJson(stored), 1,
                _host.Clock.GetUtcNow(), EventSerializer.TypeName(stored.Data)))],
            TimeSpan.FromMinutes(1),
            CancellationToken.None);
}
