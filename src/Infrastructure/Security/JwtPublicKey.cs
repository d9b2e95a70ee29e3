using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace CleanCqrs.Infrastructure.Security;

/// <summary>
/// The public half of a token signing key and its <c>kid</c>: the RFC 7638 JWK thumbprint, so the id
/// is the same wherever the key lives (key file or KMS) and needs no bookkeeping.
/// </summary>
public sealed class JwtPublicKey
{
    public const int MinimumKeySizeInBits = 2048;

    private readonly byte[] _modulus;
    private readonly byte[] _exponent;
    private readonly ConcurrentBag<RSA> _verifiers = [];

    public JwtPublicKey(RSAParameters parameters)
    {
        if (parameters.Modulus is not { Length: > 0 } || parameters.Exponent is not { Length: > 0 })
        {
            throw new ArgumentException("An RSA public key needs a modulus and an exponent.", nameof(parameters));
        }

        _modulus = WithoutLeadingZeros(parameters.Modulus);
        _exponent = WithoutLeadingZeros(parameters.Exponent);
        if (_modulus.Length * 8 < MinimumKeySizeInBits)
        {
            throw new ArgumentException($"Token signing keys must have at least {MinimumKeySizeInBits} bits.", nameof(parameters));
        }

        N = Base64UrlStrict.Encode(_modulus);
        E = Base64UrlStrict.Encode(_exponent);
        KeyId = Thumbprint(N, E);
    }

    /// <summary>RFC 7638 JWK thumbprint (SHA-256, base64url).</summary>
    public string KeyId { get; }

    /// <summary>The modulus, base64url as in a JWK (<c>n</c>).</summary>
    public string N { get; }

    /// <summary>The public exponent, base64url as in a JWK (<c>e</c>).</summary>
    public string E { get; }

    /// <summary>Signature length in bytes: the modulus length.</summary>
    public int SignatureLength => _modulus.Length;

    /// <summary>A copy of the public parameters (modulus and exponent only).</summary>
    public RSAParameters Parameters => new() { Modulus = (byte[])_modulus.Clone(), Exponent = (byte[])_exponent.Clone() };

    /// <summary>Whether <paramref name="signature"/> is a valid RS256 signature of <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return false;
        }

        // RSA objects are not documented as thread-safe, and importing the key costs ~100 µs (more than
        // the verification itself), so each caller borrows an imported instance from a pool; the pool
        // grows to the number of concurrent verifications and no further.
        if (!_verifiers.TryTake(out var rsa))
        {
            rsa = RSA.Create(new RSAParameters { Modulus = _modulus, Exponent = _exponent });
        }

        try
        {
            return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            _verifiers.Add(rsa);
        }
    }

    private static string Thumbprint(string n, string e)
    {
        // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
        var canonical = Encoding.UTF8.GetBytes($$"""{"e":"{{e}}","kty":"RSA","n":"{{n}}"}""");
        return Base64UrlStrict.Encode(SHA256.HashData(canonical));
    }

    private static byte[] WithoutLeadingZeros(byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value[start..];
    }
}
