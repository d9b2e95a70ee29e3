using System.Security.Cryptography;

namespace CleanCqrs.Infrastructure.Security;

/// <summary>
/// The local OTP key: 32 random bytes in <c>&lt;data-dir&gt;/otp-secret.key</c>, created (owner-only)
/// on first use. Read lazily for the same reason as <see cref="LocalRsaSigningKey"/>: no I/O while
/// the service graph is built, none at all for processes that never derive a code.
/// </summary>
public sealed class LocalOtpSecret : IOtpSecret
{
    public const string FileName = "otp-secret.key";
    public const int KeySizeInBytes = 32;

    private readonly Lock _gate = new();
    private byte[]? _key;

    public LocalOtpSecret(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        KeyFilePath = Path.Combine(dataDirectory, FileName);
    }

    public string KeyFilePath { get; }

    public ValueTask<byte[]> ComputeMacAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(HMACSHA256.HashData(Key(), message.Span));

    private byte[] Key()
    {
        var current = Volatile.Read(ref _key);
        if (current is not null)
        {
            return current;
        }

        lock (_gate)
        {
            _key ??= Read();
            return _key;
        }
    }

    private byte[] Read()
    {
        var content = SecretFiles.ReadOrCreate(KeyFilePath, () => RandomNumberGenerator.GetBytes(KeySizeInBytes));
        return content.Length == KeySizeInBytes
            ? content
            : throw new InvalidOperationException(
                $"The OTP key '{KeyFilePath}' holds {content.Length} bytes, not {KeySizeInBytes}; fix or remove the file (outstanding OTPs then stop matching).");
    }
}
