using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Application.Otps.EventHandlers;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using CleanCqrs.Application.Tests.Support;
using static CleanCqrs.Application.Tests.Support.EventStoreSubstitute;
using static CleanCqrs.Application.Tests.Support.Moments;

namespace CleanCqrs.Application.Tests.Otps;

public sealed class DeliverOtpOnOtpIssuedTests
{
    private const string OtpId = "0123456789abcdef0123456789abcdef";

    private IOtpCodes _codes = null!;
    private IOtpSender _sender = null!;
    private FakeTimeProvider _clock = null!;
    private DeliverOtpOnOtpIssued _handler = null!;

    [SetUp]
    public void SetUp()
    {
        _codes = Substitute.For<IOtpCodes>();
        _sender = Substitute.For<IOtpSender>();
        _clock = new FakeTimeProvider(T0);
        _codes.DeriveAsync(OtpId, Arg.Any<CancellationToken>()).Returns("482913");
        _claims = new RecordingEffectClaims();
        _handler = new DeliverOtpOnOtpIssued(_codes, _sender, _clock, NullLogger<DeliverOtpOnOtpIssued>.Instance, _claims);
    }

    private RecordingEffectClaims _claims = null!;

    private ValueTask Deliver(IDomainEvent data) => Deliver(Stored("otp-subject", 1, data, T0));

    private ValueTask Deliver(StoredEvent stored) => _handler.Handle(new EventReceived(stored), CancellationToken.None);

    [Test]
    public async Task A_redelivered_event_sends_nothing_again()
    {
        var stored = Stored("otp-subject", 1, Issued("worker", "sms", "+6281234567890"), T0);

        await Deliver(stored);
        await Deliver(stored);

        await _sender.ReceivedWithAnyArgs(1).SendAsync(default!, default);
        Assert.That(_claims.Claimed, Is.EqualTo(new[] { (DeliverOtpOnOtpIssued.DeliveryEffect, stored.EventId.ToString("N")) }));
    }

    [Test]
    public async Task A_failed_send_gives_the_claim_back_so_the_retry_sends()
    {
        var stored = Stored("otp-subject", 1, Issued("worker", "sms", "+6281234567890"), T0);
        var sends = 0;
        ValueTaskCalls.Arrange(
            () => _sender.SendAsync(Arg.Any<OtpMessage>(), Arg.Any<CancellationToken>()),
            _ => ++sends == 1 ? ValueTask.FromException(new IOException("SNS said no")) : ValueTask.CompletedTask);

        Assert.ThrowsAsync<IOException>(async () => await Deliver(stored));
        await Deliver(stored);

        await _sender.ReceivedWithAnyArgs(2).SendAsync(default!, default);
        Assert.That(_claims.Claimed, Has.Count.EqualTo(1), "claimed by the retry, released after the failure");
    }

    [Test]
    public async Task Another_event_of_the_same_otp_id_is_its_own_delivery()
    {
        await Deliver(Stored("otp-subject", 1, Issued("worker", "sms", "+6281234567890"), T0));
        await Deliver(Stored("otp-subject", 1, Issued("worker", "sms", "+6281234567890"), T0.AddTicks(1)));

        await _sender.ReceivedWithAnyArgs(2).SendAsync(default!, default);
    }

    /// <summary>An in-memory claim set: the contract fixtures hold the real adapters to the same rules.</summary>
    private sealed class RecordingEffectClaims : IEffectClaims
    {
        private readonly HashSet<(string, string)> _claimed = [];

        public IReadOnlyCollection<(string, string)> Claimed => _claimed;

        public ValueTask<bool> TryClaimAsync(string effect, string eventId, DateTimeOffset now, DateTimeOffset keepUntil, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_claimed.Add((effect, eventId)));

        public ValueTask ReleaseAsync(string effect, string eventId, CancellationToken cancellationToken)
        {
            _claimed.Remove((effect, eventId));
            return ValueTask.CompletedTask;
        }
    }

    private static OtpIssued Issued(string role, string channel, string primary) =>
        new(OtpId, "subject", primary, role, "ID", channel, T0, T0.AddMinutes(5));

    [Test]
    public async Task Sends_a_worker_the_derived_code_by_sms()
    {
        _clock.Advance(TimeSpan.FromSeconds(2));

        await Deliver(Issued("worker", "sms", "+6281234567890"));

        await _sender.Received(1).SendAsync(
            new OtpMessage("sms", "+6281234567890", OtpId, "482913", T0.AddMinutes(5)), Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Sends_an_org_the_derived_code_by_email()
    {
        await Deliver(Issued("org", "email", "Alice@example.com"));

        await _sender.Received(1).SendAsync(
            new OtpMessage("email", "Alice@example.com", OtpId, "482913", T0.AddMinutes(5)), Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Does_not_send_an_otp_that_expired_before_delivery()
    {
        _clock.Advance(TimeSpan.FromMinutes(5));

        await Deliver(Issued("worker", "sms", "+6281234567890"));

        await _sender.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
        await _codes.DidNotReceiveWithAnyArgs().DeriveAsync(default!, default);
    }

    [Test]
    public async Task Ignores_other_events()
    {
        await Deliver(new OtpVerified(OtpId, "subject", T0));

        await _sender.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }
}
