using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using static CleanCqrs.Domain.Tests.Otps.OtpCommands;
using OtpSpec = CleanCqrs.Domain.Tests.AggregateSpec<CleanCqrs.Domain.Otps.OtpState>;

namespace CleanCqrs.Domain.Tests.Otps;

public sealed class OtpVerifySpecs
{
    private static readonly DateTimeOffset Soon = T0.AddMinutes(1);

    private static void AssertReason(OtpRejectedError error, string reason, int? attemptsRemaining = null)
    {
        Assert.That(error.Reason, Is.EqualTo(reason));
        Assert.That(error.AttemptsRemaining, Is.EqualTo(attemptsRemaining));
    }

    [Test]
    public void Consumes_the_otp_when_the_code_matches() =>
        OtpSpec.Given(Issued(OtpA, T0))
            .When(Verify(OtpA, codeMatches: true, Soon))
            .Then(new OtpVerified(OtpA, PhoneSubject, Soon));

    [Test]
    public void Keeps_the_role_and_country_of_the_request_in_the_state()
    {
        var state = OtpSpec.Given(Issued(OtpA, T0)).State;

        Assert.That((state.SubjectId, state.Role, state.Country), Is.EqualTo((PhoneSubject, "worker", "ID")));
    }

    [Test]
    public void Answers_unknown_when_no_otp_was_issued() =>
        AssertReason(
            OtpSpec.Given().When(Verify(OtpA, codeMatches: true, Soon)).ThenRejected<OtpRejectedError>(),
            OtpRejectionReasons.Unknown);

    [Test]
    public void Answers_unknown_for_an_id_that_is_not_the_current_otp() =>
        AssertReason(
            OtpSpec.Given(Issued(OtpA, T0)).When(Verify(OtpB, codeMatches: true, Soon)).ThenRejected<OtpRejectedError>(),
            OtpRejectionReasons.Unknown);

    [Test]
    public void Answers_unknown_for_a_superseded_otp_even_with_its_right_code()
    {
        var superseded = OtpSpec.Given(Issued(OtpA, T0), Issued(OtpB, T0.AddSeconds(30)));

        AssertReason(
            superseded.When(Verify(OtpA, codeMatches: true, Soon)).ThenRejected<OtpRejectedError>(),
            OtpRejectionReasons.Unknown);
        superseded.When(Verify(OtpB, codeMatches: true, Soon)).Then(Verified(OtpB, Soon));
    }

    [Test]
    public void Is_single_use() =>
        AssertReason(
            OtpSpec.Given(Issued(OtpA, T0), Verified(OtpA, Soon))
                .When(Verify(OtpA, codeMatches: true, Soon.AddSeconds(1)))
                .ThenRejected<OtpRejectedError>(),
            OtpRejectionReasons.Used);

    [Test]
    public void Records_a_wrong_code_and_answers_the_attempts_remaining() =>
        AssertReason(
            OtpSpec.Given(Issued(OtpA, T0))
                .When(Verify(OtpA, codeMatches: false, Soon))
                .ThenRejectedAfter<OtpRejectedError>(WrongCode(OtpA, 1, Soon)),
            OtpRejectionReasons.InvalidCode, attemptsRemaining: 4);

    [Test]
    public void The_fourth_wrong_code_leaves_one_attempt() =>
        AssertReason(
            OtpSpec.Given([Issued(OtpA, T0), .. WrongCodes(OtpA, 3)])
                .When(Verify(OtpA, codeMatches: false, Soon))
                .ThenRejectedAfter<OtpRejectedError>(WrongCode(OtpA, 4, Soon)),
            OtpRejectionReasons.InvalidCode, attemptsRemaining: 1);

    [Test]
    public void The_fifth_wrong_code_answers_invalid_code_with_none_left_and_locks_the_otp()
    {
        var error = OtpSpec.Given([Issued(OtpA, T0), .. WrongCodes(OtpA, 4)])
            .When(Verify(OtpA, codeMatches: false, Soon))
            .ThenRejectedAfter<OtpRejectedError>(WrongCode(OtpA, 5, Soon));

        AssertReason(error, OtpRejectionReasons.InvalidCode, attemptsRemaining: 0);
        Assert.That(OtpSpec.Given([Issued(OtpA, T0), .. WrongCodes(OtpA, 5)]).State.Locked, Is.True);
    }

    [Test]
    public void A_locked_otp_refuses_even_the_right_code() =>
        AssertReason(
            OtpSpec.Given([Issued(OtpA, T0), .. WrongCodes(OtpA, 5)])
                .When(Verify(OtpA, codeMatches: true, Soon))
                .ThenRejected<OtpRejectedError>(),
            OtpRejectionReasons.Locked);

    [Test]
    public void The_right_code_still_works_after_four_wrong_ones() =>
        OtpSpec.Given([Issued(OtpA, T0), .. WrongCodes(OtpA, 4)])
            .When(Verify(OtpA, codeMatches: true, Soon))
            .Then(Verified(OtpA, Soon));

    [Test]
    public void A_new_otp_starts_with_a_fresh_attempt_count() =>
        AssertReason(
            OtpSpec.Given([Issued(OtpA, T0), .. WrongCodes(OtpA, 5), Issued(OtpB, T0.AddMinutes(1))])
                .When(Verify(OtpB, codeMatches: false, Soon.AddSeconds(1)))
                .ThenRejectedAfter<OtpRejectedError>(WrongCode(OtpB, 1, Soon.AddSeconds(1))),
            OtpRejectionReasons.InvalidCode, attemptsRemaining: 4);

    [Test]
    public void Events_of_a_superseded_otp_do_not_touch_the_current_one()
    {
        var state = OtpSpec.Given(Issued(OtpA, T0), Issued(OtpB, Soon), WrongCode(OtpA, 3, Soon), Verified(OtpA, Soon)).State;

        Assert.That((state.CurrentOtpId, state.FailedAttempts, state.Used), Is.EqualTo((OtpB, 0, false)));
    }

    [Test]
    public void Answers_expired_exactly_at_the_expiry_time() =>
        AssertReason(
            OtpSpec.Given(Issued(OtpA, T0)).When(Verify(OtpA, codeMatches: true, T0 + Ttl)).ThenRejected<OtpRejectedError>(),
            OtpRejectionReasons.Expired);

    [Test]
    public void Accepts_one_tick_before_the_expiry_time()
    {
        var at = T0 + Ttl - TimeSpan.FromTicks(1);

        OtpSpec.Given(Issued(OtpA, T0)).When(Verify(OtpA, codeMatches: true, at)).Then(Verified(OtpA, at));
    }

    [Test]
    public void Unknown_comes_before_used()
    {
        // OtpA was used and then superseded: it is no longer the primary's OTP at all.
        var error = OtpSpec.Given(Issued(OtpA, T0), Verified(OtpA, Soon), Issued(OtpB, T0.AddMinutes(2)))
            .When(Verify(OtpA, codeMatches: true, T0.AddMinutes(3)))
            .ThenRejected<OtpRejectedError>();

        AssertReason(error, OtpRejectionReasons.Unknown);
    }

    [Test]
    public void Used_comes_before_locked_and_expired()
    {
        var error = OtpSpec.Given([Issued(OtpA, T0), .. WrongCodes(OtpA, 5), Verified(OtpA, Soon)])
            .When(Verify(OtpA, codeMatches: false, T0 + Ttl))
            .ThenRejected<OtpRejectedError>();

        AssertReason(error, OtpRejectionReasons.Used);
    }

    [Test]
    public void Locked_comes_before_expired() =>
        AssertReason(
            OtpSpec.Given([Issued(OtpA, T0), .. WrongCodes(OtpA, 5)])
                .When(Verify(OtpA, codeMatches: false, T0 + Ttl + TimeSpan.FromHours(1)))
                .ThenRejected<OtpRejectedError>(),
            OtpRejectionReasons.Locked);

    [Test]
    public void Expired_comes_before_the_code_and_records_no_wrong_attempt() =>
        AssertReason(
            OtpSpec.Given([Issued(OtpA, T0), .. WrongCodes(OtpA, 2)])
                .When(Verify(OtpA, codeMatches: false, T0 + Ttl))
                .ThenRejected<OtpRejectedError>(),
            OtpRejectionReasons.Expired);
}
