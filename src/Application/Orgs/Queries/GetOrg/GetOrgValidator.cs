using FluentValidation;

namespace CleanCqrs.Application.Orgs.Queries.GetOrg;

public sealed class GetOrgValidator : AbstractValidator<GetOrg>
{
    public GetOrgValidator() =>
        RuleFor(x => x.MinVersion).GreaterThanOrEqualTo(0).WithMessage("must be a non-negative integer");
}
