using System.Security.Cryptography;
using System.Text;

namespace CleanCqrs.Infrastructure.Security;

/// <summary>
/// The local token signing key: an RSA private key in PKCS#8 PEM at
/// <c>&lt;data-dir&gt;/jwt-signing-key.pem</c>, created (RSA 2048, owner-only) on first use.
/// </summary>
/// <remarks>
/// The file is read on first use rather than at construction: building the service graph stays free
/// of I/O, and a process that never issues or checks a token (a projection run, a read) never pays
/// for parsing the key, let alone generating one. A failed load is not cached, so a transient file
/// error does not break the key for the life of the process.
/// </remarks>
public sealed class LocalRsaSigningKey : IJwtSigningKey, IDisposable
{
    public const string FileName = "jwt-signing-key.pem";
    public const int NewKeySizeInBits = 2048;

    private readonly Lock _gate = new();
    private Loaded? _loaded;
    private bool _disposed;

    public LocalRsaSigningKey(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        KeyFilePath = Path.Combine(dataDirectory, FileName);
    }

    public string KeyFilePath { get; }

    public ValueTask<JwtPublicKey> GetPublicKeyAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(Load().PublicKey);

    public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var key = Load();
        lock (_gate)
        {
            // Serialised because RSA instances are not documented as thread-safe.
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ValueTask.FromResult(key.Rsa.SignData(data.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _loaded?.Rsa.Dispose();
        }
    }

    private Loaded Load()
    {
        var current = Volatile.Read(ref _loaded);
        if (current is not null)
        {
            return current;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _loaded ??= Read();
            return _loaded;
        }
    }

    private Loaded Read()
    {
        var pem = SecretFiles.ReadOrCreate(KeyFilePath, Generate);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(Encoding.UTF8.GetString(pem));
            if (rsa.KeySize < JwtPublicKey.MinimumKeySizeInBits)
            {
                throw new InvalidOperationException(
                    $"The token signing key '{KeyFilePath}' has {rsa.KeySize} bits; at least {JwtPublicKey.MinimumKeySizeInBits} are required.");
            }

            return new Loaded(rsa, new JwtPublicKey(rsa.ExportParameters(includePrivateParameters: false)));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new InvalidOperationException(
                $"The token signing key '{KeyFilePath}' is not an RSA private key in PEM; fix or remove the file.", e);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static byte[] Generate()
    {
        using var rsa = RSA.Create(NewKeySizeInBits);
        return Encoding.UTF8.GetBytes(rsa.ExportPkcs8PrivateKeyPem());
    }

    private sealed record Loaded(RSA Rsa, JwtPublicKey PublicKey);
}
