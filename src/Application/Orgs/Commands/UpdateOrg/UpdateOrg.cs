using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Orgs.Commands.UpdateOrg;

/// <summary>
/// Replaces the org's profile (a missing description clears it). <see cref="IfMatch"/>
/// <c>Any</c> or <c>Existing</c>: a lost race is retried on the fresh state; versions: 412 unless
/// the org is at one of them.
/// </summary>
public sealed record UpdateOrg(
    Caller? Caller, string Id, string? Name, string? Location, string? Description, ExpectedVersion IfMatch)
    : ICommand<Result<OrgWritten>>, IAuthorizedRequest, IBoundRequest, IValidatedRequest<UpdateOrg>
{
    public static IValidator<UpdateOrg> Validator { get; } = new UpdateOrgValidator();

    /// <summary>The fields, parsed once: the validator reports the errors, the handler uses the value.</summary>
    public Result<OrgProfile> Profile { get; } = OrgProfile.Create(Name, Location, Description);

    public ValidationError? BindingErrors { get; init; }

    public Error? Authorize() => Roles.RequireOrg(Caller, Id, "Only the org itself may update it.");
}

public sealed class UpdateOrgHandler(CommandRunner runner, TimeProvider clock)
    : ICommandHandler<UpdateOrg, Result<OrgWritten>>
{
    public async ValueTask<Result<OrgWritten>> Handle(UpdateOrg command, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync<OrgState>(
            AggregateState.StreamId<OrgState>(command.Id),
            command.IfMatch,
            (stream, _) => ValueTask.FromResult(Org.Update(stream.State, command.Id, command.Profile.Value, clock.GetUtcNow())),
            cancellationToken);
        return result.Map(committed => new OrgWritten(command.Id, committed.Version));
    }
}
