using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.TestSupport;

namespace CleanCqrs.Bench.ColdStart;

/// <summary>
/// The deployed configuration on loopback (<c>--deployed</c>): dynalite for DynamoDB, and SNS and KMS
/// stand-ins in this process that answer as AWS does (Query XML for Publish/PublishBatch; JSON 1.1 for
/// GetPublicKey, Sign and GenerateMac with a key pair and an HMAC key held here). Every start gets
/// fresh tables, so each first invocation meets an empty store as a new stack would. Credentials come
/// from the environment variables, as Lambda gives a function its role's.
/// </summary>
internal sealed class DeployedServices : IAsyncDisposable
{
    public const string TopicArn = "arn:aws:sns:us-east-1:123456789012:cleancqrs-bench-events.fifo";
    public const string JwtKeyArn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    public const string OtpKeyArn = "arn:aws:kms:us-east-1:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321";

    private readonly DynaliteServer _dynalite;
    private readonly LoopbackHttpServer _sns;
    private readonly LoopbackHttpServer _kms;
    private readonly IAmazonDynamoDB _client;
    private readonly RSA _signingKey = RSA.Create(2048);
    private readonly Lock _signingGate = new();
    private readonly byte[] _macKey = RandomNumberGenerator.GetBytes(32);
    private int _tables;
    private int _published;

    private DeployedServices(DynaliteServer dynalite)
    {
        _dynalite = dynalite;
        _sns = LoopbackHttpServer.Start(AnswerSnsAsync, concurrent: true);
        _kms = LoopbackHttpServer.Start(AnswerKmsAsync, concurrent: true);
        _client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("bench", "bench"),
            new AmazonDynamoDBConfig { ServiceURL = dynalite.Endpoint.AbsoluteUri, AuthenticationRegion = "us-east-1" });
    }

    /// <summary>Messages the SNS stand-in accepted (a start that published nothing did not reach the broker).</summary>
    public int Published => Volatile.Read(ref _published);

    public string Description =>
        $"deployed configuration: `CLEANCQRS_STORE=dynamodb CLEANCQRS_BROKER=sns CLEANCQRS_SECURITY=kms` against dynalite ({_dynalite.Endpoint}) "
        + $"and loopback SNS ({_sns.Endpoint}) and KMS ({_kms.Endpoint}) stand-ins; fresh tables per start; credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` as in Lambda";

    public static async Task<DeployedServices> StartAsync()
    {
        var dynalite = await DynaliteServer.StartAsync();
        return new DeployedServices(dynalite);
    }

    /// <summary>Creates a fresh pair of tables and returns the function's environment for them.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> FreshEnvironmentAsync(string broker = "sns")
    {
        var n = Interlocked.Increment(ref _tables).ToString(CultureInfo.InvariantCulture);
        var names = new DynamoDbTableNames($"bench{n}-events", $"bench{n}-read-models");
        await DynamoDbProvisioner.EnsureTablesAsync(_client, names, CancellationToken.None);
        return
        [
            new("CLEANCQRS_STORE", "dynamodb"),
            new("CLEANCQRS_BROKER", broker),
            new("CLEANCQRS_SECURITY", "kms"),
            new("AWS_REGION", "us-east-1"),
            new("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
            new("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            new("AWS_SESSION_TOKEN", "bench-session-token"),
            new("AWS_ENDPOINT_URL_DYNAMODB", _dynalite.Endpoint.AbsoluteUri),
            new("AWS_ENDPOINT_URL_SNS", _sns.Endpoint.AbsoluteUri),
            new("AWS_ENDPOINT_URL_KMS", _kms.Endpoint.AbsoluteUri),
            new("EVENTS_TOPIC_ARN", TopicArn),
            new("JWT_KMS_KEY_ID", JwtKeyArn),
            new("OTP_KMS_KEY_ID", OtpKeyArn),
            new("EVENTS_TABLE", names.Events),
            new("READ_MODELS_TABLE", names.ReadModels),
        ];
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _sns.DisposeAsync();
        await _kms.DisposeAsync();
        _dynalite.Dispose();
        _signingKey.Dispose();
    }

    private async Task AnswerSnsAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var form = (await reader.ReadToEndAsync()).Split('&')
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);
        string body;
        if (form.GetValueOrDefault("Action") == "PublishBatch")
        {
            var members = new StringBuilder();
            for (var i = 1; form.TryGetValue($"PublishBatchRequestEntries.member.{i}.Id", out var id); i++)
            {
                Interlocked.Increment(ref _published);
                members.Append(CultureInfo.InvariantCulture, $"<member><Id>{id}</Id><MessageId>{Guid.NewGuid()}</MessageId><SequenceNumber>1000000000000000{i:0000}</SequenceNumber></member>");
            }

            body = $"<PublishBatchResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishBatchResult><Successful>{members}</Successful><Failed/></PublishBatchResult><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></PublishBatchResponse>";
        }
        else
        {
            Interlocked.Increment(ref _published);
            body = $"<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>{Guid.NewGuid()}</MessageId></PublishResult><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></PublishResponse>";
        }

        await ReplyAsync(context, 200, "text/xml", body);
    }

    private async Task AnswerKmsAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var request = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
        var operation = (context.Request.Headers["X-Amz-Target"] ?? "").Replace("TrentService.", "", StringComparison.Ordinal);
        JsonObject reply;
        switch (operation)
        {
            case "GetPublicKey":
                reply = new JsonObject
                {
                    ["KeyId"] = JwtKeyArn,
                    ["KeySpec"] = "RSA_2048",
                    ["KeyUsage"] = "SIGN_VERIFY",
                    ["PublicKey"] = Convert.ToBase64String(_signingKey.ExportSubjectPublicKeyInfo()),
                    ["SigningAlgorithms"] = new JsonArray("RSASSA_PKCS1_V1_5_SHA_256"),
                };
                break;
            case "Sign":
                byte[] signature;
                lock (_signingGate)
                {
                    signature = _signingKey.SignHash(Convert.FromBase64String(request["Message"]!.GetValue<string>()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }

                reply = new JsonObject { ["KeyId"] = JwtKeyArn, ["Signature"] = Convert.ToBase64String(signature), ["SigningAlgorithm"] = "RSASSA_PKCS1_V1_5_SHA_256" };
                break;
            case "GenerateMac":
                reply = new JsonObject
                {
                    ["KeyId"] = OtpKeyArn,
                    ["Mac"] = Convert.ToBase64String(HMACSHA256.HashData(_macKey, Convert.FromBase64String(request["Message"]!.GetValue<string>()))),
                    ["MacAlgorithm"] = "HMAC_SHA_256",
                };
                break;
            default:
                await ReplyAsync(context, 400, "application/x-amz-json-1.1", JsonSerializer.Serialize(new { __type = "UnsupportedOperationException", message = operation }));
                return;
        }

        await ReplyAsync(context, 200, "application/x-amz-json-1.1", reply.ToJsonString());
    }

    private static async Task ReplyAsync(HttpListenerContext context, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
