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
            .Then(new OtpIssued(OtpA, PhoneSubject, "+6281234567890", "worker", "ID", "sms", T0, T0 + Ttl));

    [Test]
    public void Issues_an_org_otp_for_email_delivery_with_the_requested_role_and_country()
    {
        var email = PrimaryOf("  Alice@Example.COM ", OtpRoles.Org, "SG");
        var ttl = TimeSpan.FromMinutes(10);

        OtpSpec.Given()
            .When(state => Otp.Request(state, email, "subject-of-alice", OtpRoles.Org, "SG", OtpA, ttl, T0))
            .Then(new OtpIssued(OtpA, "subject-of-alice", "Alice@example.com", "org", "SG", "email", T0, T0 + ttl));
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
    public void Accepts_requests_in_quick_succession_below_the_ceiling()
    {
        // The 30 s and five-per-hour limits count per primary AND source address (the application's
        // limits); the stream only holds the ceiling across all addresses.
        var at = T0 + TimeSpan.FromSeconds(1);

        OtpSpec.Given(Issued(OtpA, T0)).When(Request(OtpB, at)).Then(Issued(OtpB, at));
    }

    private static IDomainEvent[] TwentyAcceptedFromT0 =>
        [.. Enumerable.Range(0, 20).Select(i => (IDomainEvent)Issued($"{i:x32}", T0.AddMinutes(2 * i)))];

    [Test]
    public void Refuses_a_twenty_first_request_within_the_hour_until_the_oldest_leaves_the_window()
    {
        var error = OtpSpec.Given(TwentyAcceptedFromT0)
            .When(Request(OtpB, T0.AddMinutes(45)))
            .ThenRejected<RateLimitedError>();

        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(15)), "T0 + 1 h is when the oldest leaves");
    }

    [Test]
    public void Refuses_one_tick_before_the_oldest_request_is_an_hour_old()
    {
        var error = OtpSpec.Given(TwentyAcceptedFromT0)
            .When(Request(OtpB, T0 + TimeSpan.FromHours(1) - Tick))
            .ThenRejected<RateLimitedError>();

        Assert.That(error.RetryAfter, Is.EqualTo(Tick));
    }

    [Test]
    public void Accepts_again_exactly_one_hour_after_the_oldest_request()
    {
        var at = T0 + TimeSpan.FromHours(1);

        OtpSpec.Given(TwentyAcceptedFromT0).When(Request(OtpB, at)).Then(Issued(OtpB, at));
    }

    [Test]
    public void Refused_requests_do_not_count_towards_the_ceiling()
    {
        // A client that asks every minute for two hours: only the accepted requests are recorded, so
        // the ceiling opens up again on schedule instead of staying closed.
        var state = OtpState.Initial;
        var accepted = new List<TimeSpan>();
        for (var elapsed = TimeSpan.Zero; elapsed <= TimeSpan.FromHours(2); elapsed += TimeSpan.FromMinutes(1))
        {
            var decision = Otp.Request(state, Phone, PhoneSubject, OtpRoles.Worker, "ID", $"{accepted.Count:x32}", Ttl, T0 + elapsed);
            Assert.That(decision.Events, decision.IsAccepted ? Has.Count.EqualTo(1) : Is.Empty);
            if (decision.IsAccepted)
            {
                accepted.Add(elapsed);
            }

            state = state.Fold(decision.Events);
        }

        var minutes = accepted.Select(t => (int)t.TotalMinutes);
        Assert.That(minutes, Is.EqualTo(Enumerable.Range(0, 20).Concat(Enumerable.Range(60, 20)).Append(120)));
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
