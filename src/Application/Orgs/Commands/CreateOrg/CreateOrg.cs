using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Orgs.Commands.CreateOrg;

/// <summary>Creates the caller's org; the org id is the caller's subject.</summary>
public sealed record CreateOrg(Caller? Caller, string? Name, string? Location, string? Description)
    : ICommand<Result<OrgWritten>>, IAuthorizedRequest, IBoundRequest, IValidatedRequest<CreateOrg>
{
    public static IValidator<CreateOrg> Validator { get; } = new CreateOrgValidator();

    /// <summary>The fields, parsed once: the validator reports the errors, the handler uses the value.</summary>
    public Result<OrgProfile> Profile { get; } = OrgProfile.Create(Name, Location, Description);

    public ValidationError? BindingErrors { get; init; }

    public Error? Authorize() => Roles.RequireOrg(Caller, null, "Only an org may create an org.");
}

public sealed class CreateOrgHandler(CommandRunner runner, TimeProvider clock)
    : ICommandHandler<CreateOrg, Result<OrgWritten>>
{
    public async ValueTask<Result<OrgWritten>> Handle(CreateOrg command, CancellationToken cancellationToken)
    {
        var orgId = command.Caller!.Claims!.Subject;
        var result = await runner.RunAsync<OrgState>(
            AggregateState.StreamId<OrgState>(orgId),
            ExpectedVersion.Any,
            (stream, _) => ValueTask.FromResult(Org.Create(stream.State, orgId, command.Profile.Value, clock.GetUtcNow())),
            cancellationToken);
        return result.Map(committed => new OrgWritten(orgId, committed.Version));
    }
}
