using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using Mediator;

namespace CleanCqrs.Application.Orgs.Commands.CreateOrg;

/// <summary>Creates the caller's org; the org id is the caller's subject.</summary>
public sealed record CreateOrg(TokenClaims? Caller, string? Name, string? Location, string? Description)
    : ICommand<Result<OrgWritten>>, IAuthorizedRequest
{
    public Error? Authorize() =>
        Caller is null ? new UnauthorizedError("A bearer token is required.")
        : Caller.Role != Roles.Org ? new ForbiddenError("Only an org may create an org.")
        : null;
}

public sealed class CreateOrgHandler(CommandRunner runner, TimeProvider clock)
    : ICommandHandler<CreateOrg, Result<OrgWritten>>
{
    public async ValueTask<Result<OrgWritten>> Handle(CreateOrg command, CancellationToken cancellationToken)
    {
        var profile = OrgProfile.Create(command.Name, command.Location, command.Description);
        if (!profile.IsSuccess)
        {
            return profile.Error!;
        }

        var orgId = command.Caller!.Subject;
        var result = await runner.RunAsync<OrgState>(
            AggregateState.StreamId<OrgState>(orgId),
            ExpectedVersion.Any,
            (stream, _) => ValueTask.FromResult(Org.Create(stream.State, orgId, profile.Value, clock.GetUtcNow())),
            cancellationToken);
        return result.Map(committed => new OrgWritten(orgId, committed.Version));
    }
}
