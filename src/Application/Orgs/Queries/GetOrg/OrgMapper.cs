using CleanCqrs.Application.Orgs.Projections;
using Riok.Mapperly.Abstractions;

namespace CleanCqrs.Application.Orgs.Queries.GetOrg;

[Mapper(RequiredMappingStrategy = RequiredMappingStrategy.Both)]
public static partial class OrgMapper
{
    public static partial OrgDto ToDto(this OrgReadModel model);
}
