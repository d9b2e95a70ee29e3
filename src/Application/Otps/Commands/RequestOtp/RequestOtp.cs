using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Otps.Limits;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Otps.Commands.RequestOtp;

/// <summary>Issues a new OTP for a primary contact, superseding any earlier one.</summary>
/// <param name="SourceAddress">The client's address as the edge saw it (never a client-supplied header), for the limits.</param>
public sealed record RequestOtp(string? Primary, string? Role, string? Country, string? SourceAddress = null)
    : ICommand<Result<OtpRequested>>, IBoundRequest, IValidatedRequest<RequestOtp>
{
    public static IValidator<RequestOtp> Validator { get; } = new RequestOtpValidator();

    /// <summary>The contact, normalised once: the validator reports the errors, the handler uses the value.</summary>
    public Result<OtpContact> Contact { get; } = OtpContact.Create(Primary, Role, Country);

    public ValidationError? BindingErrors { get; init; }
}

/// <summary>Which OTP was issued, how it travels, and until when it is valid.</summary>
public sealed record OtpRequested(string OtpId, string Channel, DateTimeOffset ExpiresAt);

public sealed class RequestOtpHandler(
    CommandRunner runner, IOtpIdGenerator ids, OtpOptions options, TimeProvider clock, ISubjectIds subjects,
    OtpRequestLimits limits, OtpLimitOptions limitOptions)
    : ICommandHandler<RequestOtp, Result<OtpRequested>>
{
    public async ValueTask<Result<OtpRequested>> Handle(RequestOtp command, CancellationToken cancellationToken)
    {
        var contact = command.Contact.Value;
        // Where SMS may go is the deployment's setting (SPEC 5.3), so it is checked here, still before
        // any limit is spent: a number outside it is a 400 naming primary, like any other bad field.
        if (contact.Channel == OtpChannels.Sms
            && SmsDestinations.Check(contact.Primary.Value, limitOptions.SmsCountries) is { } refused)
        {
            return ValidationError.For("primary", refused);
        }

        var (primary, role, country) = contact;
        var subject = await subjects.SubjectOfAsync(primary, cancellationToken);
        var admission = await limits.AdmitAsync(contact, subject, command.SourceAddress, cancellationToken);
        if (!admission.IsSuccess)
        {
            return admission.Error!;
        }

        var result = await runner.RunAsync<OtpState>(
            AggregateState.StreamId<OtpState>(subject),
            ExpectedVersion.Any,
            (stream, _) => ValueTask.FromResult(
                Otp.Request(stream.State, primary, subject, role, country, ids.NewOtpId(), options.Ttl, clock.GetUtcNow())),
            cancellationToken);
        if (!result.IsSuccess)
        {
            // Refused by the stream (the per-primary ceiling): not accepted, so it counts nowhere.
            await admission.Value.ReleaseAsync(cancellationToken);
        }

        return result.Map(committed => new OtpRequested(committed.State.CurrentOtpId!, contact.Channel, committed.State.ExpiresAt));
    }
}
