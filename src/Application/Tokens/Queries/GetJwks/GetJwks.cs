using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Common;
using Mediator;

namespace CleanCqrs.Application.Tokens.Queries.GetJwks;

/// <summary>The public keys that verify this service's tokens, as a JWKS JSON document.</summary>
public sealed record GetJwks : IQuery<Result<string>>;

public sealed class GetJwksHandler(IJwksSource keys) : IQueryHandler<GetJwks, Result<string>>
{
    public async ValueTask<Result<string>> Handle(GetJwks query, CancellationToken cancellationToken) =>
        await keys.GetJwksJsonAsync(cancellationToken);
}
