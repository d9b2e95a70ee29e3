using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using FluentValidation;
using Mediator;

namespace CleanCqrs.Application.Orgs.Queries.GetOrgHistory;

/// <summary>
/// One page of an org's events, oldest first, straight from the event store (strongly consistent,
/// closed orgs included). <see cref="After"/> and <see cref="Limit"/> are the raw query values.
/// </summary>
public sealed record GetOrgHistory(Caller? Caller, string Id, IReadOnlyList<string>? After = null, IReadOnlyList<string>? Limit = null)
    : IQuery<Result<OrgHistory>>, IAuthorizedRequest, IValidatedRequest<GetOrgHistory>
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static IValidator<GetOrgHistory> Validator { get; } = new GetOrgHistoryValidator();

    public Result<long?> ParsedAfter { get; } = QueryValues.WholeNumber("after", After, 0, long.MaxValue);

    public Result<long?> ParsedLimit { get; } = QueryValues.WholeNumber("limit", Limit, 1, MaxLimit);

    public Error? Authorize() => Roles.RequireOrg(Caller, Id, "Only the org itself may read its history.");
}

/// <summary>The page's events and the <c>after</c> of the next page (null at the end).</summary>
public sealed record OrgHistory(string Id, IReadOnlyList<StoredEvent> Events, long? Next);

public sealed class GetOrgHistoryHandler(IEventStore store) : IQueryHandler<GetOrgHistory, Result<OrgHistory>>
{
    public async ValueTask<Result<OrgHistory>> Handle(GetOrgHistory query, CancellationToken cancellationToken)
    {
        var streamId = AggregateState.StreamId<OrgState>(query.Id);
        var after = query.ParsedAfter.Value ?? 0;
        var limit = (int)(query.ParsedLimit.Value ?? GetOrgHistory.DefaultLimit);
        var page = new List<StoredEvent>(limit);
        var more = false;
        await foreach (var stored in store.ReadStreamAsync(streamId, after, cancellationToken))
        {
            if (page.Count == limit)
            {
                more = true;
                break;
            }

            page.Add(stored);
        }

        // An empty page is either past the end of a stream or no stream at all: one load tells them apart.
        if (page.Count == 0 && (await store.LoadAsync<OrgState>(streamId, cancellationToken)).Version == 0)
        {
            return new NotFoundError($"Org '{query.Id}' was not found.");
        }

        return new OrgHistory(query.Id, page, more ? page[^1].Version : null);
    }
}
