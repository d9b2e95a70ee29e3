using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Text;
using CleanCqrs.TestSupport;

namespace CleanCqrs.Infrastructure.Tests.Sns;

/// <summary>One request as the fake SNS endpoint received it.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, NameValueCollection Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The form fields, decoded, in wire order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> FormFields =>
        BodyText.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => new KeyValuePair<string, string>(Decode(kv[0]), kv.Length > 1 ? Decode(kv[1]) : string.Empty))
            .ToList();

    public IReadOnlyDictionary<string, string> Form => FormFields.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}

/// <summary>A scripted answer: status and body, or a dropped connection.</summary>
internal sealed record ScriptedResponse(int Status, string Body, bool Drop = false)
{
    public static ScriptedResponse Dropped { get; } = new(0, string.Empty, Drop: true);

    public static ScriptedResponse Error(int status, string code, string message, string type = "Sender") => new(
        status,
        $"""
        <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
          <Error>
            <Type>{type}</Type>
            <Code>{code}</Code>
            <Message>{message}</Message>
          </Error>
          <RequestId>req-{code}</RequestId>
        </ErrorResponse>
        """);
}

/// <summary>
/// An SNS Query API stand-in on 127.0.0.1: records every request and answers with scripted responses,
/// then with AWS-shaped success XML for the request's action.
/// </summary>
internal sealed class FakeSnsServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly LoopbackHttpServer _server;

    // One request at a time, so scripted responses go out in the order the requests came in.
    public FakeSnsServer() => _server = LoopbackHttpServer.Start(AnswerAsync, concurrent: false);

    public Uri Endpoint => _server.Endpoint;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Failed batch entries to report by entry id, for the next PublishBatch answers.</summary>
    public ConcurrentDictionary<string, (string Code, bool SenderFault)> FailEntries { get; } = new();

    public void Enqueue(params ScriptedResponse[] responses)
    {
        foreach (var response in responses)
        {
            _script.Enqueue(response);
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var recorded = new RecordedRequest(
            context.Request.HttpMethod,
            context.Request.Url!.AbsolutePath,
            context.Request.Url.Query,
            new NameValueCollection(context.Request.Headers),
            body.ToArray());
        _requests.Enqueue(recorded);

        var answer = _script.TryDequeue(out var scripted) ? scripted : Success(recorded);
        if (answer.Drop)
        {
            // A response cut off mid-body is what a reset connection looks like to the client.
            context.Response.StatusCode = 200;
            context.Response.ContentLength64 = 1000;
            await context.Response.OutputStream.WriteAsync("<Publish"u8.ToArray());
            await context.Response.OutputStream.FlushAsync();
            context.Response.Abort();
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Body);
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "text/xml";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private ScriptedResponse Success(RecordedRequest request)
    {
        var form = request.Form;
        var action = form.GetValueOrDefault("Action");
        var count = _requests.Count;
        if (action == "PublishBatch")
        {
            var successful = new StringBuilder();
            var failed = new StringBuilder();
            for (var n = 1; form.TryGetValue($"PublishBatchRequestEntries.member.{n}.Id", out var id); n++)
            {
                if (FailEntries.TryGetValue(id, out var failure))
                {
                    failed.Append($"<member><Id>{id}</Id><Code>{failure.Code}</Code><Message>refused {id}</Message><SenderFault>{(failure.SenderFault ? "true" : "false")}</SenderFault></member>");
                }
                else
                {
                    successful.Append($"<member><Id>{id}</Id><MessageId>msg-{id}</MessageId><SequenceNumber>{10000000000000000000m + n}</SequenceNumber></member>");
                }
            }

            return new ScriptedResponse(200, $"""
                <PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                  <PublishBatchResult>
                    <Successful>{successful}</Successful>
                    <Failed>{failed}</Failed>
                  </PublishBatchResult>
                  <ResponseMetadata><RequestId>batch-{count}</RequestId></ResponseMetadata>
                </PublishBatchResponse>
                """);
        }

        return new ScriptedResponse(200, $"""
            <PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
                <PublishResult>
                    <MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId>
                    <SequenceNumber>10000000000000004000</SequenceNumber>
                </PublishResult>
                <ResponseMetadata>
                    <RequestId>publish-{count}</RequestId>
                </ResponseMetadata>
            </PublishResponse>
            """);
    }
}
