using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Otps.Commands.RequestOtp;

/// <summary>Issues a new OTP for a primary contact, superseding any earlier one.</summary>
public sealed record RequestOtp(string? Primary, string? Role, string? Country)
    : ICommand<Result<OtpRequested>>, IBoundRequest, IValidatedRequest<RequestOtp>
{
    public static IValidator<RequestOtp> Validator { get; } = new RequestOtpValidator();

    /// <summary>The contact, normalised once: the validator reports the errors, the handler uses the value.</summary>
    public Result<OtpContact> Contact { get; } = OtpContact.Create(Primary, Role, Country);

    public ValidationError? BindingErrors { get; init; }
}

/// <summary>Which OTP was issued, how it travels, and until when it is valid.</summary>
public sealed record OtpRequested(string OtpId, string Channel, DateTimeOffset ExpiresAt);

public sealed class RequestOtpHandler(CommandRunner runner, IOtpIdGenerator ids, OtpOptions options, TimeProvider clock)
    : ICommandHandler<RequestOtp, Result<OtpRequested>>
{
    public async ValueTask<Result<OtpRequested>> Handle(RequestOtp command, CancellationToken cancellationToken)
    {
        var contact = command.Contact.Value;
        var result = await runner.RunAsync<OtpState>(
            AggregateState.StreamId<OtpState>(contact.Primary.SubjectId),
            ExpectedVersion.Any,
            (stream, _) => ValueTask.FromResult(
                Otp.Request(stream.State, contact.Primary, contact.Role, contact.Country, ids.NewOtpId(), options.Ttl, clock.GetUtcNow())),
            cancellationToken);
        return result.Map(committed => new OtpRequested(committed.State.CurrentOtpId!, contact.Channel, committed.State.ExpiresAt));
    }
}
