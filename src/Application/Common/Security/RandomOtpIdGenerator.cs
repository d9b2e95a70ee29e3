using System.Security.Cryptography;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Application.Common.Security;

public sealed class RandomOtpIdGenerator : IOtpIdGenerator
{
    public string NewOtpId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return OtpIds.FromBytes(bytes);
    }
}
