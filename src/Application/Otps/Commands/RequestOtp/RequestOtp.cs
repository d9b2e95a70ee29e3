using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using Mediator;

namespace CleanCqrs.Application.Otps.Commands.RequestOtp;

/// <summary>Issues a new OTP for a primary contact, superseding any earlier one.</summary>
public sealed record RequestOtp(string? Primary, string? Role, string? Country) : ICommand<Result<OtpRequested>>;

/// <summary>Which OTP was issued, how it travels, and until when it is valid.</summary>
public sealed record OtpRequested(string OtpId, string Channel, DateTimeOffset ExpiresAt);

public sealed class RequestOtpHandler(CommandRunner runner, IOtpIdGenerator ids, OtpOptions options, TimeProvider clock)
    : ICommandHandler<RequestOtp, Result<OtpRequested>>
{
    public async ValueTask<Result<OtpRequested>> Handle(RequestOtp command, CancellationToken cancellationToken)
    {
        var contact = OtpContact.Create(command.Primary, command.Role, command.Country);
        if (!contact.IsSuccess)
        {
            return contact.Error!;
        }

        var (primary, role, country) = contact.Value;
        var result = await runner.RunAsync<OtpState>(
            AggregateState.StreamId<OtpState>(primary.SubjectId),
            ExpectedVersion.Any,
            (stream, _) => ValueTask.FromResult(
                Otp.Request(stream.State, primary, role, country, ids.NewOtpId(), options.Ttl, clock.GetUtcNow())),
            cancellationToken);
        return result.Map(committed => new OtpRequested(
            committed.State.CurrentOtpId!, contact.Value.Channel, committed.State.ExpiresAt));
    }
}
