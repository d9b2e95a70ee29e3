using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using Mediator;

namespace CleanCqrs.Application.Orgs.Commands.CloseOrg;

/// <summary>Closes the caller's org for good; <see cref="IfMatch"/> as for an update.</summary>
public sealed record CloseOrg(Caller? Caller, string Id, ExpectedVersion IfMatch)
    : ICommand<Result<OrgWritten>>, IAuthorizedRequest, IBoundRequest
{
    public ValidationError? BindingErrors { get; init; }

    public Error? Authorize() => Roles.RequireOrg(Caller, Id, "Only the org itself may close it.");
}

public sealed class CloseOrgHandler(CommandRunner runner, TimeProvider clock) : ICommandHandler<CloseOrg, Result<OrgWritten>>
{
    public async ValueTask<Result<OrgWritten>> Handle(CloseOrg command, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync<OrgState>(
            AggregateState.StreamId<OrgState>(command.Id),
            command.IfMatch,
            (stream, _) => ValueTask.FromResult(Org.Close(stream.State, command.Id, clock.GetUtcNow())),
            cancellationToken);
        return result.Map(committed => new OrgWritten(command.Id, committed.Version));
    }
}
