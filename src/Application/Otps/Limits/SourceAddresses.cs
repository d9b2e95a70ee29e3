using System.Net;
using System.Net.Sockets;

namespace CleanCqrs.Application.Otps.Limits;

/// <summary>How a source address is counted: an IPv4 address alone, an IPv6 address by its /64.</summary>
public static class SourceAddresses
{
    /// <summary>Requests whose edge named no address share one bucket (API Gateway always names one).</summary>
    public const string Unknown = "unknown";

    /// <remarks>
    /// One IPv6 subscriber usually holds a whole /64, so counting single IPv6 addresses would give an
    /// attacker 2^64 of them. An IPv4-mapped IPv6 address is its IPv4 address.
    /// </remarks>
    public static string KeyOf(string? sourceAddress)
    {
        if (string.IsNullOrWhiteSpace(sourceAddress) || !IPAddress.TryParse(sourceAddress.Trim(), out var address))
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
