using CleanCqrs.Application.Orgs.Projections;
using Riok.Mapperly.Abstractions;

namespace CleanCqrs.Application.Orgs.Queries.GetOrg;

[Mapper(RequiredMappingStrategy = RequiredMappingStrategy.Both)]
public static partial class OrgMapper
{
    // A closed org is never mapped: it is a 410, not a DTO.
    [MapperIgnoreSource(nameof(OrgReadModel.Closed))]
    public static partial OrgDto ToDto(this OrgReadModel model);
}
