using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using CleanCqrs.Infrastructure.Security.Kms;
using CleanCqrs.TestSupport;

namespace CleanCqrs.Infrastructure.Tests.Kms;

/// <summary>One request as the fake KMS received it.</summary>
internal sealed record KmsCall(string Operation, string? ContentType, string? Authorization, JsonElement Body)
{
    /// <summary>The <c>X-Amz-Target</c> header as sent.</summary>
    public string? Target { get; init; }

    public string Method { get; init; } = "POST";

    public string Path { get; init; } = "/";

    /// <summary>The body as sent.</summary>
    public string RawBody { get; init; } = "";

    public string? Text(string member) => Body.TryGetProperty(member, out var value) ? value.GetString() : null;

    public byte[] Blob(string member) => Convert.FromBase64String(Text(member) ?? "");
}

/// <summary>What the fake answers instead of its normal reply.</summary>
internal sealed record KmsReply(HttpStatusCode Status, string Json)
{
    public static KmsReply Error(string type, string message, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        new(status, new JsonObject { ["__type"] = type, ["message"] = message }.ToJsonString());
}

/// <summary>
/// A KMS stand-in on 127.0.0.1 speaking the AWS JSON 1.1 protocol (<c>X-Amz-Target: TrentService.*</c>)
/// for Sign, GetPublicKey and GenerateMac, backed by an RSA key and an HMAC key that the test holds, so
/// what the adapters do can be checked against local cryptography.
/// </summary>
internal sealed class FakeKms : IDisposable
{
    public const string JwtKeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    public const string OtpKeyArn = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";
    public const string JwtAlias = "alias/cleancqrs-jwt";

    private const string ContentType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "TrentService.";

    // Generating an RSA key is the slowest step here; one key serves every test.
    private static readonly Lazy<RSA> SharedSigningKey = new(() => RSA.Create(2048));

    // RSA instances are not documented as thread-safe, and the shared key serves concurrent requests.
    private static readonly Lock SigningGate = new();

    private readonly LoopbackHttpServer _server;

    public FakeKms() => _server = LoopbackHttpServer.Start(HandleAsync, concurrent: true);

    public static RSA SigningKey => SharedSigningKey.Value;

    public byte[] MacKey { get; } = RandomNumberGenerator.GetBytes(32);

    public Uri Endpoint => _server.Endpoint;

    public ConcurrentQueue<KmsCall> Calls { get; } = new();

    /// <summary>Returns a reply to send instead of the normal one, or null to answer normally.</summary>
    public Func<KmsCall, KmsReply?>? Intercept { get; set; }

    public string ReportedKeySpec { get; set; } = "RSA_2048";

    public string ReportedKeyUsage { get; set; } = "SIGN_VERIFY";

    public string[] ReportedSigningAlgorithms { get; set; } =
        ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"];

    public byte[] ReportedPublicKey { get; set; } = SigningKey.ExportSubjectPublicKeyInfo();

    public IReadOnlyList<KmsCall> CallsTo(string operation) => Calls.Where(c => c.Operation == operation).ToList();

    /// <summary>Settings as the service would read them with this fake as the KMS endpoint.</summary>
    public KmsSettings Settings(string jwtKeyId = JwtAlias, string otpKeyId = OtpKeyArn) =>
        KmsSettings.FromEnvironment(new Dictionary<string, string?>
        {
            [KmsSettings.JwtKeySetting] = jwtKeyId,
            [KmsSettings.OtpKeySetting] = otpKeyId,
            [KmsSettings.ServiceEndpointSetting] = Endpoint.AbsoluteUri,
            // Points nowhere, so a developer's own ~/.aws/credentials cannot change what is sent.
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/cleancqrs-tests/credentials",
        }.GetValueOrDefault);

    public IAmazonKeyManagementService CreateClient() => Settings().CreateClient();

    public void Dispose() => _server.Dispose();

    private async Task HandleAsync(HttpListenerContext context)
    {
        KmsReply reply;
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var raw = await reader.ReadToEndAsync();
            using var json = JsonDocument.Parse(raw);
            var target = context.Request.Headers["X-Amz-Target"] ?? "";
            var call = new KmsCall(
                target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : target,
                context.Request.ContentType,
                context.Request.Headers["Authorization"],
                json.RootElement.Clone())
            {
                Target = context.Request.Headers["X-Amz-Target"],
                Method = context.Request.HttpMethod,
                Path = context.Request.Url!.AbsolutePath,
                RawBody = raw,
            };
            Calls.Enqueue(call);
            reply = Intercept?.Invoke(call) ?? Answer(call);
        }
        catch (Exception e) when (e is JsonException or FormatException or CryptographicException)
        {
            reply = KmsReply.Error("ValidationException", e.Message);
        }

        var body = Encoding.UTF8.GetBytes(reply.Json);
        context.Response.StatusCode = (int)reply.Status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    private KmsReply Answer(KmsCall call) => call.Operation switch
    {
        "GetPublicKey" => Ok(new JsonObject
        {
            ["KeyId"] = JwtKeyArn,
            ["KeySpec"] = ReportedKeySpec,
            ["CustomerMasterKeySpec"] = ReportedKeySpec,
            ["KeyUsage"] = ReportedKeyUsage,
            ["PublicKey"] = Convert.ToBase64String(ReportedPublicKey),
            ["SigningAlgorithms"] = new JsonArray(ReportedSigningAlgorithms.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
        }),
        "Sign" => Sign(call),
        "GenerateMac" => Ok(new JsonObject
        {
            ["KeyId"] = OtpKeyArn,
            ["Mac"] = Convert.ToBase64String(HMACSHA256.HashData(MacKey, call.Blob("Message"))),
            ["MacAlgorithm"] = call.Text("MacAlgorithm"),
        }),
        _ => KmsReply.Error("UnknownOperationException", $"'{call.Operation}' is not served by this fake"),
    };

    private static KmsReply Sign(KmsCall call)
    {
        var message = call.Blob("Message");
        byte[] signature;
        lock (SigningGate)
        {
            signature = call.Text("MessageType") == "DIGEST"
                ? SigningKey.SignHash(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : SigningKey.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        return Ok(new JsonObject
        {
            ["KeyId"] = JwtKeyArn,
            ["Signature"] = Convert.ToBase64String(signature),
            ["SigningAlgorithm"] = call.Text("SigningAlgorithm"),
        });
    }

    private static KmsReply Ok(JsonObject body) => new(HttpStatusCode.OK, body.ToJsonString());
}
