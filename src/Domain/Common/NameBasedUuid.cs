using System.Security.Cryptography;
using System.Text;

namespace CleanCqrs.Domain.Common;

/// <summary>
/// Name-based UUIDs, version 5 (RFC 9562 section 5.5): SHA-1 of namespace and name.
/// Twenty lines do not justify a package; the RFC's test vector pins it.
/// </summary>
public static class NameBasedUuid
{
    public static Guid Create(Guid @namespace, string name)
    {
        var size = 16 + Encoding.UTF8.GetMaxByteCount(name.Length);
        Span<byte> buffer = size <= 1024 ? stackalloc byte[size] : new byte[size];
        @namespace.TryWriteBytes(buffer, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes(name, buffer[16..]);

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for v5; it is an identifier, not a security control.
        SHA1.HashData(buffer[..length], hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
