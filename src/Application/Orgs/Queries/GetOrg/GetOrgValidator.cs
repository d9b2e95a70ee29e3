using CleanCqrs.Application.Common;
using FluentValidation;

namespace CleanCqrs.Application.Orgs.Queries.GetOrg;

public sealed class GetOrgValidator : AbstractValidator<GetOrg>
{
    public GetOrgValidator() => this.AddErrorsOf(x => x.ParsedMinVersion.Error);
}
