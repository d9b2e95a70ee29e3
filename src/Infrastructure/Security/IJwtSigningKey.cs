namespace CleanCqrs.Infrastructure.Security;

/// <summary>
/// The RSA key that signs access tokens. Locally a key file (<see cref="LocalRsaSigningKey"/>); in
/// AWS a KMS asymmetric key, where the private half never leaves KMS and both calls below may go over
/// the network (hence async, and hence the public key is asked for rather than being a property).
/// </summary>
public interface IJwtSigningKey
{
    /// <summary>The key's id (<c>kid</c>) and public half. Implementations fetch it once and cache it.</summary>
    ValueTask<JwtPublicKey> GetPublicKeyAsync(CancellationToken cancellationToken);

    /// <summary>An RSASSA-PKCS1-v1_5 signature with SHA-256 (JWS <c>RS256</c>) over <paramref name="data"/>.</summary>
    ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}
