using CleanCqrs.Application.Common;
using FluentValidation;

namespace CleanCqrs.Application.Orgs.Commands.CreateOrg;

public sealed class CreateOrgValidator : AbstractValidator<CreateOrg>
{
    public CreateOrgValidator() => this.AddErrorsOf(x => x.Profile.Error);
}
