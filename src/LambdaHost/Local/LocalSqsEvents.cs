using System.Globalization;
using System.Text.Json;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Lambda.Events;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>
/// One message of the local FIFO broker, as it is handed to the function: its id, message group,
/// deduplication id, body (the wire envelope), how often it has been delivered, when it was sent,
/// and the event type (carried as the <c>eventType</c> message attribute; a message published without
/// one is handed over without one, and the consumer refuses it).
/// </summary>
public sealed record LocalSqsRecord(
    string MessageId,
    string GroupId,
    string DeduplicationId,
    string Body,
    int ReceiveCount,
    DateTimeOffset SentAt,
    string? EventType);

/// <summary>
/// Lets the in-process broker deliver batches exactly as Lambda's SQS FIFO event source would: an
/// SQS event in, a partial batch response out, read with the same rules AWS applies to it.
/// </summary>
public static class LocalSqsEvents
{
    public const string QueueArn = "arn:aws:sqs:local:000000000000:cleancqrs-events.fifo";
    public const string EventTypeAttribute = InProcCommitPublisher.EventTypeAttribute;

    /// <summary>The SQS event for <paramref name="records"/>, in their order (one message group after another or interleaved).</summary>
    public static byte[] BuildEvent(IReadOnlyList<LocalSqsRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var messages = new List<SqsMessage>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var sentAt = record.SentAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            messages.Add(new SqsMessage
            {
                MessageId = record.MessageId,
                ReceiptHandle = $"local-{record.MessageId}-{record.ReceiveCount}",
                Body = record.Body,
                Attributes = new SqsMessageSystemAttributes
                {
                    ApproximateReceiveCount = record.ReceiveCount.ToString(CultureInfo.InvariantCulture),
                    SentTimestamp = sentAt,
                    SenderId = "local",
                    ApproximateFirstReceiveTimestamp = sentAt,
                    // 20 digits like SQS's, increasing with the send time and the position in the batch.
                    SequenceNumber = record.SentAt.ToUnixTimeMilliseconds().ToString("D13", CultureInfo.InvariantCulture)
                        + i.ToString("D7", CultureInfo.InvariantCulture),
                    MessageGroupId = record.GroupId,
                    MessageDeduplicationId = record.DeduplicationId,
                },
                MessageAttributes = record.EventType is null
                    ? []
                    : new Dictionary<string, SqsMessageAttribute>(StringComparer.Ordinal)
                    {
                        [EventTypeAttribute] = new SqsMessageAttribute
                        {
                            StringValue = record.EventType,
                            StringListValues = [],
                            BinaryListValues = [],
                            DataType = "String",
                        },
                    },
                EventSource = "aws:sqs",
                EventSourceArn = QueueArn,
                AwsRegion = "local",
            });
        }

        return JsonSerializer.SerializeToUtf8Bytes(new SqsEvent { Records = messages }, LambdaJson.Context.SqsEvent);
    }

    /// <summary>
    /// The ids of the messages to deliver again. As in AWS: an empty or null response, or a null or
    /// empty <c>batchItemFailures</c>, is full success; a response that is not valid JSON, or an
    /// item without a known, non-empty <c>itemIdentifier</c>, fails the whole batch.
    /// </summary>
    public static IReadOnlySet<string> ParseFailedMessageIds(ReadOnlySpan<byte> batchResponse, IReadOnlyList<LocalSqsRecord> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var all = batch.Select(r => r.MessageId).ToHashSet(StringComparer.Ordinal);
        if (batchResponse.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        try
        {
            var reader = new Utf8JsonReader(batchResponse);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return new HashSet<string>(StringComparer.Ordinal);
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return all;
            }

            if (!root.TryGetProperty("batchItemFailures", out var items) || items.ValueKind == JsonValueKind.Null)
            {
                return new HashSet<string>(StringComparer.Ordinal);
            }

            if (items.ValueKind != JsonValueKind.Array)
            {
                return all;
            }

            var failed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("itemIdentifier", out var id)
                    || id.ValueKind != JsonValueKind.String
                    || id.GetString() is not { Length: > 0 } messageId
                    || !all.Contains(messageId))
                {
                    return all;
                }

                failed.Add(messageId);
            }

            return failed;
        }
        catch (JsonException)
        {
            return all;
        }
    }

    /// <summary>
    /// Hands <paramref name="batch"/> to the function as an SQS event and returns the ids to deliver
    /// again. A function that throws fails the whole batch, as in AWS.
    /// </summary>
    public static async ValueTask<IReadOnlySet<string>> DeliverAsync(
        this Function function,
        IReadOnlyList<LocalSqsRecord> batch,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var response = await function.HandleAsync(BuildEvent(batch), InvocationContext.Local(TimeProvider.System, timeout), deadline.Token);
            return ParseFailedMessageIds(response, batch);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger?.LogError(ex, "The function failed a batch of {Count} messages as a whole", batch.Count);
            return batch.Select(r => r.MessageId).ToHashSet(StringComparer.Ordinal);
        }
    }
}
