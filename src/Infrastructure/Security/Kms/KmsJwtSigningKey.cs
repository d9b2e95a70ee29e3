using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace CleanCqrs.Infrastructure.Security.Kms;

/// <summary>
/// The token signing key as a KMS asymmetric key (RSA, SIGN_VERIFY): the private half never leaves
/// KMS. The SHA-256 digest is computed here and only the 32 bytes go to KMS (<c>MessageType DIGEST</c>),
/// so a token of any length costs one small <c>Sign</c> call.
/// </summary>
/// <remarks>
/// The public key is fetched once per process, from init (<see cref="Prefetch"/>) or on first use, and checked: a key that cannot make RS256
/// signatures is refused with a message saying why rather than issuing tokens nobody can verify. A
/// failed fetch is not kept, so a transient KMS error does not break tokens for the life of the process.
/// Signing then uses the key ARN that <c>GetPublicKey</c> answered with, not the configured reference:
/// if an alias is moved to another key, this process keeps signing with the key whose <c>kid</c> it
/// publishes, and the new key takes over at the next start.
/// </remarks>
public sealed class KmsJwtSigningKey : IJwtSigningKey
{
    /// <summary>The KMS key specs that can make RS256 signatures at the required strength.</summary>
    public static readonly IReadOnlyList<string> AcceptedKeySpecs =
        [KeySpec.RSA_2048.Value, KeySpec.RSA_3072.Value, KeySpec.RSA_4096.Value];

    private readonly IAmazonKeyManagementService _kms;
    private readonly Lock _gate = new();
    private Task<ResolvedKey>? _resolved;

    /// <param name="kms">The process's KMS client (not owned: it is not disposed here).</param>
    /// <param name="keyId">Key id, key ARN, alias name or alias ARN (<c>JWT_KMS_KEY_ID</c>).</param>
    public KmsJwtSigningKey(IAmazonKeyManagementService kms, string keyId)
    {
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        _kms = kms;
        KeyId = keyId;
    }

    /// <summary>The key as configured.</summary>
    public string KeyId { get; }

    public async ValueTask<JwtPublicKey> GetPublicKeyAsync(CancellationToken cancellationToken) =>
        (await ResolveAsync(cancellationToken)).PublicKey;

    public async ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var key = await ResolveAsync(cancellationToken);
        using var digest = new MemoryStream(SHA256.HashData(data.Span), writable: false);
        var response = await _kms.SignAsync(
            new SignRequest
            {
                KeyId = key.KeyArn,
                Message = digest,
                MessageType = MessageType.DIGEST,
                SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256,
            },
            cancellationToken);

        var signature = response.Signature?.ToArray() ?? [];
        return signature.Length == key.PublicKey.SignatureLength
            ? signature
            : throw new InvalidOperationException(
                $"KMS returned a {signature.Length}-byte signature for the token signing key '{key.KeyArn}', whose signatures are {key.PublicKey.SignatureLength} bytes.");
    }

    /// <summary>
    /// Starts fetching the public key without waiting (init, decision 0020). A failure is observed
    /// here and forgotten: the first request that needs the key fetches it again and reports it.
    /// </summary>
    public void Prefetch() => _ = ResolveAsync(CancellationToken.None).AsTask().ContinueWith(
        static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private ValueTask<ResolvedKey> ResolveAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _resolved);
        if (current is { IsCompletedSuccessfully: true })
        {
            return ValueTask.FromResult(current.Result);
        }

        lock (_gate)
        {
            if (_resolved is null || _resolved.IsFaulted || _resolved.IsCanceled)
            {
                // Shared by every caller until it completes, so it must not be cancelled by any one of
                // them; each caller still stops waiting on its own token. Task.Run keeps the SDK's
                // synchronous start (credential lookup) outside the lock.
                _resolved = Task.Run(FetchAsync, CancellationToken.None);
            }

            current = _resolved;
        }

        return new ValueTask<ResolvedKey>(current.WaitAsync(cancellationToken));
    }

    private async Task<ResolvedKey> FetchAsync()
    {
        var response = await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = KeyId }, CancellationToken.None);

        var keySpec = response.KeySpec?.Value;
        if (keySpec is null || !AcceptedKeySpecs.Contains(keySpec))
        {
            throw Refused($"has key spec {keySpec ?? "(none)"}");
        }

        if (response.KeyUsage?.Value != KeyUsageType.SIGN_VERIFY.Value)
        {
            throw Refused($"has key usage {response.KeyUsage?.Value ?? "(none)"}");
        }

        if (response.SigningAlgorithms?.Contains(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256.Value) != true)
        {
            throw Refused($"offers the signing algorithms {string.Join(", ", response.SigningAlgorithms ?? [])} but not {SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256.Value}");
        }

        var keyArn = string.IsNullOrEmpty(response.KeyId) ? KeyId : response.KeyId;
        return new ResolvedKey(keyArn, ParsePublicKey(response.PublicKey?.ToArray() ?? []));
    }

    private JwtPublicKey ParsePublicKey(byte[] subjectPublicKeyInfo)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                throw Refused("returned a public key with trailing bytes after its DER SubjectPublicKeyInfo");
            }

            return new JwtPublicKey(rsa.ExportParameters(includePrivateParameters: false));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"The token signing key '{KeyId}' ({KmsSettings.JwtKeySetting}) did not return a usable RSA public key: {e.Message}", e);
        }
    }

    private InvalidOperationException Refused(string problem) => new(
        $"The token signing key '{KeyId}' ({KmsSettings.JwtKeySetting}) {problem}; RS256 tokens need a KMS key with key spec "
        + $"{string.Join(", ", AcceptedKeySpecs.SkipLast(1))} or {AcceptedKeySpecs[^1]}, key usage {KeyUsageType.SIGN_VERIFY.Value} "
        + $"and signing algorithm {SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256.Value}.");

    /// <summary>The key this process signs with: its ARN as KMS reported it, and its public half.</summary>
    private sealed record ResolvedKey(string KeyArn, JwtPublicKey PublicKey);
}
