namespace CleanCqrs.Application.Common.Ports;

/// <summary>The public keys of the token signer, as a JWKS JSON document.</summary>
public interface IJwksSource
{
    ValueTask<string> GetJwksJsonAsync(CancellationToken cancellationToken);
}
