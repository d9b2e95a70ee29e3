namespace CleanCqrs.Application.Common.Ports;

/// <summary>The claims of a token this service issues.</summary>
public sealed record TokenClaims(string Subject, string Role, string Country);

public sealed record IssuedToken(string Token, long ExpiresInSeconds);

/// <summary>Signs access tokens (RS256 JWT; KMS in AWS, a key file locally).</summary>
public interface ITokenIssuer
{
    ValueTask<IssuedToken> IssueAsync(TokenClaims claims, CancellationToken cancellationToken);
}
