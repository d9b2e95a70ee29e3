using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using Mediator;

namespace CleanCqrs.Application.Orgs.Commands.UpdateOrg;

/// <summary>
/// Replaces the org's profile (a missing description clears it). <see cref="IfMatch"/> null or
/// <c>Any</c>: a lost race is retried on the fresh state; a version: 412 when the org is elsewhere.
/// </summary>
public sealed record UpdateOrg(
    TokenClaims? Caller, string Id, string? Name, string? Location, string? Description, ExpectedVersion IfMatch)
    : ICommand<Result<OrgWritten>>, IAuthorizedRequest
{
    public Error? Authorize() =>
        Caller is null ? new UnauthorizedError("A bearer token is required.")
        : Caller.Role != Roles.Org || !string.Equals(Caller.Subject, Id, StringComparison.Ordinal)
            ? new ForbiddenError("Only the org itself may update it.")
        : null;
}

public sealed class UpdateOrgHandler(CommandRunner runner, TimeProvider clock)
    : ICommandHandler<UpdateOrg, Result<OrgWritten>>
{
    public async ValueTask<Result<OrgWritten>> Handle(UpdateOrg command, CancellationToken cancellationToken)
    {
        var profile = OrgProfile.Create(command.Name, command.Location, command.Description);
        if (!profile.IsSuccess)
        {
            return profile.Error!;
        }

        var result = await runner.RunAsync<OrgState>(
            AggregateState.StreamId<OrgState>(command.Id),
            command.IfMatch,
            (stream, _) => ValueTask.FromResult(Org.Update(stream.State, command.Id, profile.Value, clock.GetUtcNow())),
            cancellationToken);
        return result.Map(committed => new OrgWritten(command.Id, committed.Version));
    }
}
