using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Application.Otps.EventHandlers;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
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
        _handler = new DeliverOtpOnOtpIssued(_codes, _sender, _clock, NullLogger<DeliverOtpOnOtpIssued>.Instance);
    }

    private ValueTask Deliver(IDomainEvent data) =>
        _handler.Handle(new EventReceived(Stored("otp-subject", 1, data, T0)), CancellationToken.None);

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
