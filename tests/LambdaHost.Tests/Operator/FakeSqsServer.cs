using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CleanCqrs.LambdaHost.Tests.Operator;

/// <summary>
/// A dead-letter queue and its source queue on loopback, speaking the SQS JSON protocol for the calls
/// the <c>dead-letters</c> command makes: ReceiveMessage (with visibility), ChangeMessageVisibilityBatch,
/// GetQueueAttributes, StartMessageMoveTask and ListMessageMoveTasks (a move that takes two looks to finish).
/// </summary>
public sealed class FakeSqsServer : IDisposable
{
    public const string QueueArn = "arn:aws:sqs:us-east-1:000000000000:cleancqrs-events-dlq.fifo";

    private readonly object _gate = new();
    private readonly List<Held> _deadLetters = [];
    private readonly LoopbackHttpServer _server;
    private int _receipts;
    private int _looks;
    private bool _moving;

    public FakeSqsServer() => _server = LoopbackHttpServer.Start(HandleAsync, concurrent: false);

    public Uri Endpoint => _server.Endpoint;

    public string QueueUrl => new Uri(Endpoint, "000000000000/cleancqrs-events-dlq.fifo").AbsoluteUri;

    /// <summary>Messages moved back to the source queue.</summary>
    public List<string> Redriven { get; } = [];

    /// <summary>Every call by its target name, in order.</summary>
    public List<string> Calls { get; } = [];

    public IReadOnlyList<string> DeadLetterBodies
    {
        get
        {
            lock (_gate)
            {
                return [.. _deadLetters.Select(m => m.Body)];
            }
        }
    }

    public int Hidden
    {
        get
        {
            lock (_gate)
            {
                return _deadLetters.Count(m => m.InvisibleUntil > DateTimeOffset.UtcNow);
            }
        }
    }

    public void Add(string messageId, string groupId, string body, int receiveCount)
    {
        lock (_gate)
        {
            _deadLetters.Add(new Held(messageId, groupId, body, receiveCount));
        }
    }

    public void Dispose() => _server.Dispose();

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var request = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
        var target = context.Request.Headers["X-Amz-Target"] ?? string.Empty;
        var operation = target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..];
        JsonObject answer;
        lock (_gate)
        {
            Calls.Add(operation);
            answer = operation switch
            {
                "ReceiveMessage" => Receive(request),
                "ChangeMessageVisibilityBatch" => ChangeVisibility(request),
                "GetQueueAttributes" => new JsonObject { ["Attributes"] = new JsonObject { ["QueueArn"] = QueueArn } },
                "StartMessageMoveTask" => StartMove(request),
                "ListMessageMoveTasks" => ListMoves(),
                _ => throw new InvalidOperationException($"The fake SQS does not serve {target}."),
            };
        }

        var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-amz-json-1.0";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private JsonObject Receive(JsonObject request)
    {
        var max = request["MaxNumberOfMessages"]?.GetValue<int>() ?? 1;
        var hide = TimeSpan.FromSeconds(request["VisibilityTimeout"]?.GetValue<int>() ?? 30);
        var messages = new JsonArray();
        foreach (var held in _deadLetters.Where(m => m.InvisibleUntil <= DateTimeOffset.UtcNow).Take(max))
        {
            held.InvisibleUntil = DateTimeOffset.UtcNow + hide;
            held.Receipt = $"receipt-{++_receipts}";
            messages.Add(new JsonObject
            {
                ["MessageId"] = held.MessageId,
                ["ReceiptHandle"] = held.Receipt,
                // SQS's protocol carries the body's MD5, and the SDK checks it.
#pragma warning disable CA5351
                ["MD5OfBody"] = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(held.Body))),
#pragma warning restore CA5351
                ["Body"] = held.Body,
                ["Attributes"] = new JsonObject
                {
                    ["MessageGroupId"] = held.GroupId,
                    ["ApproximateReceiveCount"] = held.ReceiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["SentTimestamp"] = "1764752400000",
                    ["ApproximateFirstReceiveTimestamp"] = "1764752401000",
                },
            });
        }

        return new JsonObject { ["Messages"] = messages };
    }

    private JsonObject ChangeVisibility(JsonObject request)
    {
        var successful = new JsonArray();
        foreach (var entry in request["Entries"]!.AsArray())
        {
            var held = _deadLetters.Single(m => m.Receipt == entry!["ReceiptHandle"]!.GetValue<string>());
            held.InvisibleUntil = DateTimeOffset.UtcNow.AddSeconds(entry!["VisibilityTimeout"]!.GetValue<int>());
            successful.Add(new JsonObject { ["Id"] = entry["Id"]!.GetValue<string>() });
        }

        return new JsonObject { ["Successful"] = successful, ["Failed"] = new JsonArray() };
    }

    private JsonObject StartMove(JsonObject request)
    {
        if (request["SourceArn"]!.GetValue<string>() != QueueArn)
        {
            throw new InvalidOperationException("StartMessageMoveTask for another queue.");
        }

        _moving = true;
        return new JsonObject { ["TaskHandle"] = "task-1" };
    }

    private JsonObject ListMoves()
    {
        // The first look finds the move half done, the second finds it complete.
        _looks++;
        var total = _deadLetters.Count + Redriven.Count;
        var move = _moving && _looks >= 2 ? _deadLetters.Count : Math.Min(_deadLetters.Count, (_deadLetters.Count + 1) / 2);
        foreach (var held in _deadLetters.Take(move).ToList())
        {
            Redriven.Add(held.Body);
            _deadLetters.Remove(held);
        }

        return new JsonObject
        {
            ["Results"] = new JsonArray(new JsonObject
            {
                ["TaskHandle"] = "task-1",
                ["SourceArn"] = QueueArn,
                ["Status"] = _deadLetters.Count == 0 ? "COMPLETED" : "RUNNING",
                ["ApproximateNumberOfMessagesMoved"] = Redriven.Count,
                ["ApproximateNumberOfMessagesToMove"] = total,
            }),
        };
    }

    private sealed class Held(string messageId, string groupId, string body, int receiveCount)
    {
        public string MessageId { get; } = messageId;

        public string GroupId { get; } = groupId;

        public string Body { get; } = body;

        public int ReceiveCount { get; } = receiveCount;

        public DateTimeOffset InvisibleUntil { get; set; }

        public string? Receipt { get; set; }
    }
}
