using CleanCqrs.Application.Common;
using FluentValidation;

namespace CleanCqrs.Application.Orgs.Commands.UpdateOrg;

public sealed class UpdateOrgValidator : AbstractValidator<UpdateOrg>
{
    public UpdateOrgValidator() => this.AddErrorsOf(x => x.Profile.Error);
}
