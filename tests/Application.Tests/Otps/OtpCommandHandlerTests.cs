using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Otps;
using CleanCqrs.Application.Common.Security;
using CleanCqrs.Application.Otps.Commands.RequestOtp;
using CleanCqrs.Application.Otps.Limits;
using CleanCqrs.Application.Otps.Commands.VerifyOtp;
using CleanCqrs.Application.Outbox;
using CleanCqrs.Application.Tests.Support;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using Mediator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using static CleanCqrs.Application.Tests.Support.Moments;

namespace CleanCqrs.Application.Tests.Otps;

public sealed class OtpCommandHandlerTests
{
    private const string Phone = "+6281234567890";
    private const string OtpA = "0123456789abcdef0123456789abcdef";
    private const string OtpB = "fedcba9876543210fedcba9876543210";
    private const string RightCode = "123456";

    private const string Address = "203.0.113.7";

    private static readonly KeyedSubjectIds Subjects = new(_ => ValueTask.FromResult(new byte[32]));
    private static readonly string Subject = SubjectOf(Phone, "worker");
    private static readonly string StreamId = "otp-" + Subject;

    private IRateLimiter _limiter = null!;
    private IBudgetAlarm _alarm = null!;

    private IEventStore _store = null!;
    private IPublisher _publisher = null!;
    private IOtpIdGenerator _ids = null!;
    private IOtpCodes _codes = null!;
    private ITokenIssuer _tokens = null!;
    private FakeTimeProvider _clock = null!;
    private List<Commit> _appends = null!;

    [SetUp]
    public void SetUp()
    {
        _store = Substitute.For<IEventStore>();
        _publisher = Substitute.For<IPublisher>();
        _ids = Substitute.For<IOtpIdGenerator>();
        _codes = Substitute.For<IOtpCodes>();
        _tokens = Substitute.For<ITokenIssuer>();
        _limiter = Substitute.For<IRateLimiter>();
        _alarm = Substitute.For<IBudgetAlarm>();
        _limiter.TryAcquireAsync(default!, default, default)
            .ReturnsForAnyArgs(RateDecision.Accept(new RateReservation("r1", ["k"])));
        _clock = new FakeTimeProvider(T0);
        _appends = _store.RecordAppends();
        _ids.NewOtpId().Returns(OtpA);
        _codes.MatchesAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(false);
        _codes.MatchesAsync(OtpA, RightCode, Arg.Any<CancellationToken>()).Returns(true);
        _tokens.IssueAsync(Arg.Any<TokenClaims>(), Arg.Any<CancellationToken>()).Returns(new IssuedToken("signed.jwt.token", 86_400));
    }

    private CommandRunner Runner => new(_store, _publisher, _clock, NullLogger<CommandRunner>.Instance, NullMetrics.Instance);

    private ValueTask<Result<OtpRequested>> Request(string? primary, string? role = "worker", string? country = "ID", OtpOptions? options = null) =>
        Validated.Send(new RequestOtp(primary, role, country, Address),
            new RequestOtpHandler(Runner, _ids, options ?? new OtpOptions(), _clock, Subjects, Limits, new OtpLimitOptions()).Handle);

    private OtpRequestLimits Limits => new(_limiter, new OtpLimitOptions(), _alarm, _clock, NullLogger<OtpRequestLimits>.Instance);

    private static string SubjectOf(string normalised, string role) =>
        Primary.TryCreate(normalised, role, "ID", out var primary, out _)
            ? Subjects.SubjectOfAsync(primary, CancellationToken.None).AsTask().GetAwaiter().GetResult()
            : throw new ArgumentException(normalised);

    private ValueTask<Result<TokenGranted>> Verify(string? otpId = OtpA, string? code = RightCode, string? country = "ID") =>
        Validated.Send(new VerifyOtp("0812-3456-7890", "worker", country, otpId, code),
            new VerifyOtpHandler(Runner, _codes, _tokens, _clock, Subjects).Handle);

    private static OtpIssued Issued(string otpId = OtpA, string country = "ID", DateTimeOffset? at = null) =>
        new(otpId, Subject, Phone, "worker", country, "sms", at ?? T0.AddMinutes(-1), (at ?? T0.AddMinutes(-1)).AddMinutes(5));

    private async Task NoTokenIssued() =>
        await _tokens.DidNotReceiveWithAnyArgs().IssueAsync(default!, default);

    [Test]
    public async Task Request_issues_an_otp_on_the_stream_of_the_normalised_primary()
    {
        _store.HasStream<OtpState>(StreamId);

        var result = await Request("0812-3456-7890");

        Assert.That(result.Value, Is.EqualTo(new OtpRequested(OtpA, "sms", T0.AddMinutes(5))));
        var commit = _appends.Single();
        Assert.That((commit.StreamId, commit.ExpectedVersion), Is.EqualTo((StreamId, 0L)));
        Assert.That(commit.Events.Single().Data,
            Is.EqualTo(new OtpIssued(OtpA, Subject, Phone, "worker", "ID", "sms", T0, T0.AddMinutes(5))));
        await _publisher.Received(1).Publish(Arg.Is<EventsCommitted>(e => e.Commit == commit), Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Request_for_an_org_answers_the_email_channel_and_uses_the_configured_ttl()
    {
        const string email = "Alice@example.com";
        var stream = "otp-" + SubjectOf(email, "org");
        _store.HasStream<OtpState>(stream);

        var result = await Request(" Alice@EXAMPLE.com ", "org", "SG", new OtpOptions { Ttl = TimeSpan.FromMinutes(2) });

        Assert.That(result.Value, Is.EqualTo(new OtpRequested(OtpA, "email", T0.AddMinutes(2))));
        Assert.That(_appends.Single().StreamId, Is.EqualTo(stream));
        Assert.That(((OtpIssued)_appends.Single().Events.Single().Data).Country, Is.EqualTo("SG"));
    }

    [Test]
    public async Task Request_counts_against_the_pair_the_address_and_the_channel_budget()
    {
        _store.HasStream<OtpState>(StreamId);

        await Request("0812-3456-7890");

        var limits = (IReadOnlyList<RateLimit>)_limiter.ReceivedCalls().Single().GetArguments()[0]!;
        var pair = $"pa:{Subject}@{Address}";
        Assert.That(limits.Select(l => (l.Key, l.Limit, l.Window, l.Hot)), Is.EqualTo(new[]
        {
            (pair, 1, TimeSpan.FromSeconds(30), false),
            (pair, 5, TimeSpan.FromHours(1), false),
            ("addr:" + Address, 60, TimeSpan.FromHours(1), false),
            ("budget:sms", 500, TimeSpan.FromHours(1), true),
        }));
    }

    [Test]
    public async Task Request_refused_by_a_limit_is_rate_limited_and_stores_nothing()
    {
        _store.HasStream<OtpState>(StreamId);
        _limiter.TryAcquireAsync(default!, default, default).ReturnsForAnyArgs(
            RateDecision.Refuse(new RateLimit("pa:x", 1, TimeSpan.FromSeconds(30), OtpRequestLimits.PrimaryAndAddress), TimeSpan.FromSeconds(20)));

        var result = await Request("0812-3456-7890");

        Assert.That(result.Error, Is.InstanceOf<RateLimitedError>());
        Assert.That(((RateLimitedError)result.Error!).RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(_appends, Is.Empty);
        _alarm.DidNotReceiveWithAnyArgs().Exhausted(default!);
        await _publisher.DidNotReceive().Publish(Arg.Any<EventsCommitted>(), Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Request_refused_by_the_budget_names_it_and_raises_the_alarm()
    {
        _store.HasStream<OtpState>(StreamId);
        _limiter.TryAcquireAsync(default!, default, default).ReturnsForAnyArgs(
            RateDecision.Refuse(new RateLimit("budget:sms", 500, TimeSpan.FromHours(1), "budget:sms", Hot: true), TimeSpan.FromMinutes(7)));

        var result = await Request("0812-3456-7890");

        Assert.That(result.Error, Is.EqualTo(new BudgetExhaustedError("sms", TimeSpan.FromMinutes(7), ((BudgetExhaustedError)result.Error!).Detail)));
        _alarm.Received(1).Exhausted("sms");
        Assert.That(_appends, Is.Empty);
    }

    [Test]
    public async Task Request_refused_by_the_per_primary_ceiling_gives_its_limits_back()
    {
        _store.HasStream<OtpState>(StreamId,
            [.. Enumerable.Range(0, 20).Select(i => Issued($"{i:x32}", at: T0.AddMinutes(-50 + i)))]);

        var result = await Request("0812-3456-7890");

        Assert.That(((RateLimitedError)result.Error!).RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(10)));
        await _limiter.Received(1).ReleaseAsync(Arg.Is<RateReservation>(r => r.Id == "r1"), Arg.Any<CancellationToken>());
        Assert.That(_appends, Is.Empty);
    }

    [Test]
    public async Task Request_with_invalid_fields_touches_no_stream()
    {
        var result = await Request("12345");

        Assert.That(((ValidationError)result.Error!).Errors.Keys, Is.EquivalentTo(new[] { "primary" }));
        await _store.DidNotReceiveWithAnyArgs().LoadAsync<OtpState>(default!, default);
    }

    [Test]
    public async Task Verify_issues_a_token_with_the_role_and_country_of_the_otp_request()
    {
        _store.HasStream<OtpState>(StreamId, Issued(country: "PH"));

        var result = await Verify(country: "ID");

        Assert.That(result.Value, Is.EqualTo(new TokenGranted("signed.jwt.token", "Bearer", 86_400, Subject)));
        await _tokens.Received(1).IssueAsync(new TokenClaims(Subject, "worker", "PH"), Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Verify_consumes_the_otp_on_its_stream()
    {
        _store.HasStream<OtpState>(StreamId, Issued());

        await Verify();

        var commit = _appends.Single();
        Assert.That((commit.StreamId, commit.ExpectedVersion), Is.EqualTo((StreamId, 1L)));
        Assert.That(commit.Events.Single().Data, Is.EqualTo(new OtpVerified(OtpA, Subject, T0)));
        Assert.That(((OtpState)commit.Snapshot).Used, Is.True);
    }

    [Test]
    public async Task Verify_normalises_an_upper_case_otp_id()
    {
        _store.HasStream<OtpState>(StreamId, Issued());

        var result = await Verify(otpId: OtpA.ToUpperInvariant());

        Assert.That(result.IsSuccess, Is.True);
        await _codes.Received(1).MatchesAsync(OtpA, RightCode, Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task A_wrong_code_is_recorded_and_answered_without_a_token()
    {
        _store.HasStream<OtpState>(StreamId, Issued());

        var result = await Verify(code: "654321");

        Assert.That(result.Error, Is.InstanceOf<OtpRejectedError>());
        var error = (OtpRejectedError)result.Error!;
        Assert.That((error.Reason, error.AttemptsRemaining), Is.EqualTo(("invalid_code", (int?)4)));
        var commit = _appends.Single();
        Assert.That(commit.Events.Single().Data, Is.EqualTo(new OtpCodeRejected(OtpA, 1, T0)));
        await _publisher.Received(1).Publish(Arg.Is<EventsCommitted>(e => e.Commit == commit), Arg.Any<CancellationToken>());
        await NoTokenIssued();
    }

    [Test]
    public async Task The_fifth_wrong_code_locks_the_otp()
    {
        _store.HasStream<OtpState>(StreamId,
            [Issued(), .. Enumerable.Range(1, 4).Select(n => new OtpCodeRejected(OtpA, n, T0.AddSeconds(-n)))]);

        var result = await Verify(code: "000000");

        Assert.That(((OtpRejectedError)result.Error!).AttemptsRemaining, Is.Zero);
        Assert.That(((OtpState)_appends.Single().Snapshot).Locked, Is.True);
    }

    [TestCase("used")]
    [TestCase("expired")]
    [TestCase("unknown")]
    public async Task A_refused_verify_stores_nothing_and_issues_no_token(string reason)
    {
        IDomainEvent[] history = reason switch
        {
            "used" => [Issued(), new OtpVerified(OtpA, Subject, T0.AddSeconds(-1))],
            "expired" => [Issued(at: T0.AddMinutes(-5))],
            _ => [Issued(), Issued(OtpB, at: T0.AddSeconds(-30))],
        };
        _store.HasStream<OtpState>(StreamId, history);

        var result = await Verify();

        Assert.That(((OtpRejectedError)result.Error!).Reason, Is.EqualTo(reason));
        Assert.That(_appends, Is.Empty);
        await NoTokenIssued();
    }

    [TestCase(null, RightCode, "otpId")]
    [TestCase("not-an-otp-id", RightCode, "otpId")]
    [TestCase(OtpA, "12345", "code")]
    [TestCase(OtpA, null, "code")]
    public async Task A_malformed_otp_id_or_code_is_a_validation_error(string? otpId, string? code, string field)
    {
        var result = await Verify(otpId, code);

        Assert.That(((ValidationError)result.Error!).Errors.Keys, Is.EquivalentTo(new[] { field }));
        await _codes.DidNotReceiveWithAnyArgs().MatchesAsync(default!, default!, default);
        await _store.DidNotReceiveWithAnyArgs().LoadAsync<OtpState>(default!, default);
    }
}
