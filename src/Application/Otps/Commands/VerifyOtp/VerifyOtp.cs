using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Otps;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Otps.Commands.VerifyOtp;

/// <summary>
/// Checks a code against the primary's current OTP, on the event stream (strongly consistent). On
/// success the OTP is consumed and a token is issued with the role and country of the request that
/// issued the OTP; <see cref="Role"/> and <see cref="Country"/> here only normalise the primary.
/// </summary>
public sealed record VerifyOtp(string? Primary, string? Role, string? Country, string? OtpId, string? Code)
    : ICommand<Result<TokenGranted>>, IBoundRequest, IValidatedRequest<VerifyOtp>
{
    public static IValidator<VerifyOtp> Validator { get; } = new VerifyOtpValidator();

    /// <summary>The contact, normalised once: the validator reports the errors, the handler uses the value.</summary>
    public Result<OtpContact> Contact { get; } = OtpContact.Create(Primary, Role, Country);

    /// <summary>The OTP id in its canonical form; null when <see cref="OtpId"/> is not one (a validation error).</summary>
    public string? NormalizedOtpId { get; } = OtpIds.TryNormalize(OtpId, out var id) ? id : null;

    public ValidationError? BindingErrors { get; init; }
}

public sealed record TokenGranted(string Token, string TokenType, long ExpiresIn, string Subject);

public sealed class VerifyOtpHandler(
    CommandRunner runner, IOtpCodes codes, ITokenIssuer tokens, TimeProvider clock, ISubjectIds subjects)
    : ICommandHandler<VerifyOtp, Result<TokenGranted>>
{
    public async ValueTask<Result<TokenGranted>> Handle(VerifyOtp command, CancellationToken cancellationToken)
    {
        var otpId = command.NormalizedOtpId!;
        var codeMatches = await codes.MatchesAsync(otpId, command.Code!, cancellationToken);
        IssuedToken? token = null;
        var result = await runner.RunAsync<OtpState>(
            AggregateState.StreamId<OtpState>(await subjects.SubjectOfAsync(command.Contact.Value.Primary, cancellationToken)),
            ExpectedVersion.Any,
            async (stream, ct) =>
            {
                var decision = Otp.Verify(stream.State, otpId, codeMatches, clock.GetUtcNow());
                if (decision.IsAccepted)
                {
                    // Signed before the append: a consumed OTP always comes with its token.
                    token = await tokens.IssueAsync(
                        new TokenClaims(stream.State.SubjectId!, stream.State.Role!, stream.State.Country!), ct);
                }

                return decision;
            },
            cancellationToken);

        return result.Map(committed =>
            new TokenGranted(token!.Token, "Bearer", token.ExpiresInSeconds, committed.State.SubjectId!));
    }
}
