using CleanCqrs.Application.Common;
using FluentValidation;

namespace CleanCqrs.Application.Orgs.Queries.GetOrgHistory;

public sealed class GetOrgHistoryValidator : AbstractValidator<GetOrgHistory>
{
    public GetOrgHistoryValidator()
    {
        this.AddErrorsOf(x => x.ParsedAfter.Error);
        this.AddErrorsOf(x => x.ParsedLimit.Error);
    }
}
