using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using static CleanCqrs.Domain.Tests.Otps.OtpCommands;
using OtpSpec = CleanCqrs.Domain.Tests.AggregateSpec<CleanCqrs.Domain.Otps.OtpState>;

namespace CleanCqrs.Domain.Tests.Otps;

public sealed class OtpRequestSpecs
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Test]
    public void Issues_an_otp_that_expires_after_the_ttl() =>
        OtpSpec.Given()
            .When(Request(OtpA, T0))
            .Then(new OtpIssued(OtpA, Phone.SubjectId, "+6281234567890", "worker", "ID", "sms", T0, T0 + Ttl));

    [Test]
    public void Issues_an_org_otp_for_email_delivery_with_the_requested_role_and_country()
    {
        var email = PrimaryOf("  Alice@Example.COM ", OtpRoles.Org, "SG");
        var ttl = TimeSpan.FromMinutes(10);

        OtpSpec.Given()
            .When(state => Otp.Request(state, email, OtpRoles.Org, "SG", OtpA, ttl, T0))
            .Then(new OtpIssued(OtpA, email.SubjectId, "Alice@example.com", "org", "SG", "email", T0, T0 + ttl));
    }

    [Test]
    public void A_new_otp_supersedes_the_earlier_one()
    {
        var later = T0.AddMinutes(1);
        var spec = OtpSpec.Given(Issued(OtpA, T0));

        spec.When(Request(OtpB, later)).Then(Issued(OtpB, later));

        var state = OtpSpec.Given(Issued(OtpA, T0), Issued(OtpB, later)).State;
        Assert.That(state.CurrentOtpId, Is.EqualTo(OtpB));
        Assert.That(state.ExpiresAt, Is.EqualTo(later + Ttl));
    }

    [Test]
    public void Refuses_a_request_within_30_seconds_of_the_last_accepted_one()
    {
        var error = OtpSpec.Given(Issued(OtpA, T0))
            .When(Request(OtpB, T0 + TimeSpan.FromMilliseconds(29_999)))
            .ThenRejected<RateLimitedError>();

        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(1)));
    }

    [Test]
    public void Accepts_a_request_exactly_30_seconds_after_the_last_one()
    {
        var at = T0 + TimeSpan.FromSeconds(30);

        OtpSpec.Given(Issued(OtpA, T0)).When(Request(OtpB, at)).Then(Issued(OtpB, at));
    }

    [Test]
    public void The_cooldown_counts_from_the_last_accepted_request_even_after_a_verify()
    {
        var error = OtpSpec.Given(Issued(OtpA, T0), Verified(OtpA, T0.AddSeconds(5)))
            .When(Request(OtpB, T0.AddSeconds(10)))
            .ThenRejected<RateLimitedError>();

        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
    }

    private static IDomainEvent[] FiveAcceptedFromT0 =>
        [.. Enumerable.Range(0, 5).Select(i => (IDomainEvent)Issued($"{i:x32}", T0.AddMinutes(5 * i)))];

    [Test]
    public void Refuses_a_sixth_request_within_the_hour_until_the_oldest_leaves_the_window()
    {
        var error = OtpSpec.Given(FiveAcceptedFromT0)
            .When(Request(OtpB, T0.AddMinutes(30)))
            .ThenRejected<RateLimitedError>();

        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(30)), "T0 + 1 h is when the oldest leaves");
    }

    [Test]
    public void Refuses_one_tick_before_the_oldest_request_is_an_hour_old()
    {
        var error = OtpSpec.Given(FiveAcceptedFromT0)
            .When(Request(OtpB, T0 + TimeSpan.FromHours(1) - Tick))
            .ThenRejected<RateLimitedError>();

        Assert.That(error.RetryAfter, Is.EqualTo(Tick));
    }

    [Test]
    public void Accepts_again_exactly_one_hour_after_the_oldest_request()
    {
        var at = T0 + TimeSpan.FromHours(1);

        OtpSpec.Given(FiveAcceptedFromT0).When(Request(OtpB, at)).Then(Issued(OtpB, at));
    }

    [Test]
    public void Retry_after_is_the_cooldown_when_it_ends_after_the_window_opens()
    {
        var error = OtpSpec.Given(
                Issued($"{1:x32}", T0),
                Issued($"{2:x32}", T0.AddMinutes(15)),
                Issued($"{3:x32}", T0.AddMinutes(30)),
                Issued($"{4:x32}", T0.AddMinutes(45)),
                Issued($"{5:x32}", T0.AddMinutes(59).AddSeconds(50)))
            .When(Request(OtpB, T0.AddMinutes(59).AddSeconds(55)))
            .ThenRejected<RateLimitedError>();

        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(25)), "the window opens in 5 s, the cooldown ends in 25 s");
    }

    [Test]
    public void Retry_after_is_the_window_when_it_opens_after_the_cooldown_ends()
    {
        var error = OtpSpec.Given(
                Issued($"{1:x32}", T0),
                Issued($"{2:x32}", T0.AddMinutes(1)),
                Issued($"{3:x32}", T0.AddMinutes(2)),
                Issued($"{4:x32}", T0.AddMinutes(3)),
                Issued($"{5:x32}", T0.AddMinutes(4)))
            .When(Request(OtpB, T0.AddMinutes(4).AddSeconds(10)))
            .ThenRejected<RateLimitedError>();

        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(55).Add(TimeSpan.FromSeconds(50))));
    }

    [Test]
    public void Refused_requests_do_not_count_towards_either_limit()
    {
        // A client that asks every 10 seconds for two hours: only the accepted requests are recorded,
        // so the limits open up again on schedule instead of staying closed.
        var state = OtpState.Initial;
        var accepted = new List<TimeSpan>();
        for (var elapsed = TimeSpan.Zero; elapsed <= TimeSpan.FromHours(2); elapsed += TimeSpan.FromSeconds(10))
        {
            var decision = Otp.Request(state, Phone, OtpRoles.Worker, "ID", $"{accepted.Count:x32}", Ttl, T0 + elapsed);
            Assert.That(decision.Events, decision.IsAccepted ? Has.Count.EqualTo(1) : Is.Empty);
            if (decision.IsAccepted)
            {
                accepted.Add(elapsed);
            }

            state = state.Fold(decision.Events);
        }

        var seconds = accepted.Select(t => (int)t.TotalSeconds);
        Assert.That(seconds, Is.EqualTo(new[] { 0, 30, 60, 90, 120, 3600, 3630, 3660, 3690, 3720, 7200 }));
    }

    [Test]
    public void Keeps_only_the_last_hour_of_accepted_requests_in_the_state()
    {
        var state = OtpSpec.Given(
            Issued(OtpA, T0),
            Issued(OtpB, T0.AddMinutes(30)),
            Issued($"{3:x32}", T0.AddMinutes(89))).State;

        Assert.That(state.RecentRequests, Is.EqualTo(new[] { T0.AddMinutes(30), T0.AddMinutes(89) }));
    }
}
