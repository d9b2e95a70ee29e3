using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace CleanCqrs.Infrastructure.Security.Kms;

/// <summary>
/// The OTP server key as a KMS HMAC key (HMAC_256, GENERATE_VERIFY_MAC): each MAC is one
/// <c>GenerateMac</c> call, so the key is never in the function's memory, configuration or logs, and
/// whoever reads the event store or the function's environment still cannot rebuild a code.
/// </summary>
public sealed class KmsOtpSecret : IOtpSecret
{
    /// <summary>HMAC-SHA256 output length.</summary>
    public const int MacLength = 32;

    /// <summary>KMS <c>GenerateMac</c> accepts messages of 1 to 4096 bytes.</summary>
    public const int MaxMessageLength = 4096;

    private readonly IAmazonKeyManagementService _kms;

    /// <param name="kms">The process's KMS client (not owned: it is not disposed here).</param>
    /// <param name="keyId">Key id, key ARN, alias name or alias ARN (<c>OTP_KMS_KEY_ID</c>).</param>
    public KmsOtpSecret(IAmazonKeyManagementService kms, string keyId)
    {
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        _kms = kms;
        KeyId = keyId;
    }

    /// <summary>The key as configured.</summary>
    public string KeyId { get; }

    public async ValueTask<byte[]> ComputeMacAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (message.Length is 0 or > MaxMessageLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(message), message.Length, $"KMS computes MACs of 1 to {MaxMessageLength} bytes.");
        }

        using var body = new MemoryStream(message.ToArray(), writable: false);
        var response = await _kms.GenerateMacAsync(
            new GenerateMacRequest { KeyId = KeyId, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256, Message = body },
            cancellationToken);

        var mac = response.Mac?.ToArray() ?? [];
        return mac.Length == MacLength
            ? mac
            : throw new InvalidOperationException(
                $"KMS returned a {mac.Length}-byte MAC for the OTP key '{KeyId}' ({KmsSettings.OtpKeySetting}); HMAC_SHA_256 gives {MacLength}.");
    }
}
