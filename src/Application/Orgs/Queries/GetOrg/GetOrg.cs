using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Orgs.Queries.GetOrg;

/// <summary>
/// Reads an org's read model; with <see cref="MinVersion"/> (the raw query values), says when it is
/// not there yet.
/// </summary>
public sealed record GetOrg(string Id, IReadOnlyList<string>? MinVersion = null)
    : IQuery<Result<OrgReadout>>, IValidatedRequest<GetOrg>
{
    public static IValidator<GetOrg> Validator { get; } = new GetOrgValidator();

    /// <summary><see cref="MinVersion"/> parsed once: the validator reports the error, the handler uses the value.</summary>
    public Result<long?> ParsedMinVersion { get; } = QueryValues.WholeNumber("minVersion", MinVersion, 0, long.MaxValue);
}

/// <summary>
/// The org (null when none is projected yet), the version the read model is at (0: none), and
/// whether that is still behind the version the caller waits for.
/// </summary>
public sealed record OrgReadout(OrgDto? Org, long Version, long? MinVersion)
{
    public bool IsBehind => MinVersion > Version;
}

public sealed class GetOrgHandler(IReadModelStore<OrgReadModel> models, IEventStore store) : IQueryHandler<GetOrg, Result<OrgReadout>>
{
    public async ValueTask<Result<OrgReadout>> Handle(GetOrg query, CancellationToken cancellationToken)
    {
        if (!OrgIds.IsPlausible(query.Id))
        {
            // No org can have this id (ids are token subjects); not worth a read, nor a store error.
            return NotFound(query.Id);
        }

        var minVersion = query.ParsedMinVersion.Value;
        var model = await models.GetAsync(query.Id, cancellationToken);
        var readout = new OrgReadout(model is { Closed: false } ? model.ToDto() : null, model?.Version ?? 0, minVersion);
        if (readout.IsBehind)
        {
            // A poll for an org with no stream at all would never end: only an existing stream is worth waiting for.
            return model is null && !await StreamExistsAsync(query.Id, cancellationToken) ? NotFound(query.Id) : readout;
        }

        return model switch
        {
            null => NotFound(query.Id),
            { Closed: true } => new GoneError($"Org '{query.Id}' was closed."),
            _ => readout,
        };
    }

    private async ValueTask<bool> StreamExistsAsync(string id, CancellationToken cancellationToken) =>
        (await store.LoadAsync<OrgState>(AggregateState.StreamId<OrgState>(id), cancellationToken)).Version > 0;

    private static NotFoundError NotFound(string id) => new($"Org '{id}' was not found.");
}
