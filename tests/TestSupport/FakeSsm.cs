using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CleanCqrs.TestSupport;

/// <summary>One request as the fake SSM received it, as sent.</summary>
public sealed record SsmCall(string Method, string Path, string? ContentType, string? Target, string RawBody);

/// <summary>A reply the fake sends instead of its own: HTTP status and JSON 1.1 body.</summary>
public sealed record SsmReply(int Status, string Json)
{
    /// <summary>The AWS JSON 1.1 error shape: <c>__type</c>, and <c>message</c> when there is one.</summary>
    public static SsmReply Error(string type, string? message = null, int status = 400)
    {
        var body = new JsonObject { ["__type"] = type };
        if (message is not null)
        {
            body["message"] = message;
        }

        return new SsmReply(status, body.ToJsonString());
    }
}

/// <summary>
/// An SSM Parameter Store stand-in on 127.0.0.1 speaking AWS JSON 1.1 (<c>X-Amz-Target:
/// AmazonSSM.GetParameter</c>): it answers for the parameters it holds and <c>ParameterNotFound</c>
/// (no message, as SSM sends it) for any other name, unless a scripted reply is queued.
/// </summary>
public sealed class FakeSsm : IAsyncDisposable
{
    public const string ContentType = "application/x-amz-json-1.1";

    private readonly LoopbackHttpServer _server;

    public FakeSsm() => _server = LoopbackHttpServer.Start(HandleAsync, concurrent: true);

    public Uri Endpoint => _server.Endpoint;

    public ConcurrentQueue<SsmCall> Calls { get; } = new();

    /// <summary>Replies sent, in order, before the fake answers by itself again.</summary>
    public ConcurrentQueue<SsmReply> Script { get; } = new();

    public ConcurrentDictionary<string, (string Type, string Value)> Parameters { get; } = new(StringComparer.Ordinal);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync();
        var call = new SsmCall(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, context.Request.Headers["X-Amz-Target"], raw);
        Calls.Enqueue(call);
        var reply = Script.TryDequeue(out var scripted) ? scripted : Answer(call);

        var body = Encoding.UTF8.GetBytes(reply.Json);
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    private SsmReply Answer(SsmCall call)
    {
        if (call.Target != "AmazonSSM.GetParameter")
        {
            return SsmReply.Error("UnknownOperationException", $"'{call.Target}' is not served by this fake");
        }

        string? name;
        try
        {
            name = JsonNode.Parse(call.RawBody)?["Name"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return SsmReply.Error("SerializationException");
        }

        if (name is null || !Parameters.TryGetValue(name, out var parameter))
        {
            return SsmReply.Error("ParameterNotFound");
        }

        return new SsmReply(200, new JsonObject
        {
            ["Parameter"] = new JsonObject
            {
                ["Name"] = name,
                ["Type"] = parameter.Type,
                ["Value"] = parameter.Value,
                ["Version"] = 1,
                ["LastModifiedDate"] = 1795771800.123,
                ["ARN"] = "arn:aws:ssm:us-east-1:123456789012:parameter" + (name.StartsWith('/') ? name : "/" + name),
                ["DataType"] = "text",
            },
        }.ToJsonString());
    }
}
