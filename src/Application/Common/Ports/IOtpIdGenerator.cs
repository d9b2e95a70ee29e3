namespace CleanCqrs.Application.Common.Ports;

/// <summary>Random OTP ids: 128 bits from a cryptographic generator.</summary>
public interface IOtpIdGenerator
{
    string NewOtpId();
}
