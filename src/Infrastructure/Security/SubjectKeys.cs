using System.Security.Cryptography;
using System.Text;

namespace CleanCqrs.Infrastructure.Security;

/// <summary>Where the subject key comes from in each security mode.</summary>
public static class SubjectKeys
{
    public const string FileName = "subject-id.key";
    public const int KeySizeInBytes = 32;

    /// <summary>The label whose MAC under the OTP KMS key is the subject key.</summary>
    public const string KmsLabel = "cleancqrs-subject-key:v1";

    /// <summary>32 random bytes in <c>&lt;data-dir&gt;/subject-id.key</c>, created owner-only on first use.</summary>
    public static Func<CancellationToken, ValueTask<byte[]>> FromFile(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        return _ =>
        {
            var content = SecretFiles.ReadOrCreate(path, () => RandomNumberGenerator.GetBytes(KeySizeInBytes));
            return content.Length == KeySizeInBytes
                ? ValueTask.FromResult(content)
                : throw new InvalidOperationException(
                    $"The subject key '{path}' holds {content.Length} bytes, not {KeySizeInBytes}; restore it from a backup (every subject id depends on it).");
        };
    }

    /// <summary>One MAC of a fixed label under the OTP key (KMS <c>GenerateMac</c>): the key never has to be stored anywhere.</summary>
    public static Func<CancellationToken, ValueTask<byte[]>> DerivedFrom(IOtpSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return cancellationToken => secret.ComputeMacAsync(Encoding.UTF8.GetBytes(KmsLabel), cancellationToken);
    }
}
