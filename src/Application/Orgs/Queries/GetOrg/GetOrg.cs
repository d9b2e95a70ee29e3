using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Domain.Common;
using Mediator;

namespace CleanCqrs.Application.Orgs.Queries.GetOrg;

/// <summary>Reads an org's read model; with <see cref="MinVersion"/>, says when it is not there yet.</summary>
public sealed record GetOrg(string Id, long? MinVersion) : IQuery<Result<OrgReadout>>;

/// <summary>
/// The org (null when none is projected yet), the version the read model is at (0: none), and
/// whether that is still behind the version the caller waits for.
/// </summary>
public sealed record OrgReadout(OrgDto? Org, long Version, long? MinVersion)
{
    public bool IsBehind => MinVersion > Version;
}

public sealed class GetOrgHandler(IReadModelStore<OrgReadModel> models) : IQueryHandler<GetOrg, Result<OrgReadout>>
{
    public async ValueTask<Result<OrgReadout>> Handle(GetOrg query, CancellationToken cancellationToken)
    {
        var model = await models.GetAsync(query.Id, cancellationToken);
        var readout = new OrgReadout(model?.ToDto(), model?.Version ?? 0, query.MinVersion);
        return model is null && !readout.IsBehind
            ? new NotFoundError($"Org '{query.Id}' was not found.")
            : readout;
    }
}
