using FluentValidation;

namespace CleanCqrs.Application.Orgs.Commands.CreateOrg;

public sealed class CreateOrgValidator : AbstractValidator<CreateOrg>
{
    public CreateOrgValidator() => this.AddOrgProfileRules(x => x.Name, x => x.Location, x => x.Description);
}
