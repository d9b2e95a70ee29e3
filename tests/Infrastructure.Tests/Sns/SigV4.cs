using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CleanCqrs.Infrastructure.Tests.Sns;

/// <summary>
/// An independent SigV4 check: recomputes a recorded request's signature from the headers it names
/// as signed, so the test does not trust the signer it is checking.
/// </summary>
internal static partial class SigV4
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<akid>[^/]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9-]+)/aws4_request, SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<signature>[0-9a-f]{64})$")]
    public static partial Regex AuthorizationHeader();

    public static string ExpectedSignature(RecordedRequest request, string secretKey)
    {
        var authorization = AuthorizationHeader().Match(request.Headers["Authorization"]!);
        var date = authorization.Groups["date"].Value;
        var region = authorization.Groups["region"].Value;
        var service = authorization.Groups["service"].Value;
        var signedHeaders = authorization.Groups["signed"].Value;
        var amzDate = request.Headers["X-Amz-Date"]!;

        var canonicalHeaders = new StringBuilder();
        foreach (var name in signedHeaders.Split(';'))
        {
            var value = request.Headers[name] ?? throw new AssertionException($"signed header {name} was not sent");
            canonicalHeaders.Append(name).Append(':').Append(Collapse(value)).Append('\n');
        }

        var canonicalRequest = string.Join(
            '\n',
            request.Method,
            request.Path,
            request.Query.TrimStart('?'),
            canonicalHeaders.ToString(),
            signedHeaders,
            Hex(SHA256.HashData(request.Body)));
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Collapse(string value) => MultipleSpaces().Replace(value.Trim(), " ");

    [GeneratedRegex(" {2,}")]
    private static partial Regex MultipleSpaces();
}
