using FluentValidation;

namespace CleanCqrs.Application.Orgs.Commands.UpdateOrg;

public sealed class UpdateOrgValidator : AbstractValidator<UpdateOrg>
{
    public UpdateOrgValidator() => this.AddOrgProfileRules(x => x.Name, x => x.Location, x => x.Description);
}
