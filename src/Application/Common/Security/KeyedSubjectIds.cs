using System.Security.Cryptography;
using System.Text;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Application.Common.Security;

/// <summary>
/// Subject ids that only the server can compute (SPEC 5.3, decision 0020): the first 128 bits of
/// HMAC-SHA256(subject key, "cleancqrs-subject:" + normalised primary), stamped as a UUID version 8
/// (RFC 9562 section 5.8). The subject key is obtained once per process (a key file locally, one KMS
/// <c>GenerateMac</c> in AWS) and kept in memory, so computing an id costs no I/O.
/// </summary>
public sealed class KeyedSubjectIds(Func<CancellationToken, ValueTask<byte[]>> keySource) : ISubjectIds
{
    /// <summary>Separates these MACs from anything else the same key might ever be used for.</summary>
    public const string MessagePrefix = "cleancqrs-subject:";

    private readonly Lock _gate = new();
    private Task<byte[]>? _key;

    public async ValueTask<string> SubjectOfAsync(Primary primary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var secret = await KeyAsync().WaitAsync(cancellationToken);
        return Format(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(MessagePrefix + primary.Value)));
    }

    /// <summary>
    /// Starts obtaining the subject key without waiting for it, so the process's init (not its first
    /// sign-in) pays for the one KMS call; a failed start is tried again by the next request.
    /// </summary>
    public void Prefetch() => _ = KeyAsync();

    /// <summary>RFC 9562 version 8: 122 bits of the MAC, then the version (8) and the variant (10).</summary>
    public static string Format(ReadOnlySpan<byte> mac)
    {
        Span<byte> bytes = stackalloc byte[16];
        mac[..16].CopyTo(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    // One fetch per process; a failed one (KMS unreachable) is tried again by the next request.
    private Task<byte[]> KeyAsync()
    {
        lock (_gate)
        {
            if (_key is null || _key.IsFaulted || _key.IsCanceled)
            {
                _key = keySource(CancellationToken.None).AsTask();
            }

            return _key;
        }
    }
}
