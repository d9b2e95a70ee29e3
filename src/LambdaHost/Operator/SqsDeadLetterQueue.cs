using System.Runtime.CompilerServices;
using Amazon.SQS;
using Amazon.SQS.Model;
using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.LambdaHost.Operator;

/// <summary>
/// The SQS dead-letter queue of the events queue (<c>CLEANCQRS_BROKER=sns</c>), named by
/// <see cref="QueueUrlSetting"/>. Listing receives the messages and makes them visible again at once,
/// so it changes nothing (for a FIFO queue SQS hands out the head of each message group); requeueing is
/// SQS's own redrive (<c>StartMessageMoveTask</c> back to the source queue), followed to its end.
/// </summary>
public sealed class SqsDeadLetterQueue(IAmazonSQS client, string queueUrl, TimeSpan pollInterval) : IDeadLetterQueue, IDisposable
{
    public const string QueueUrlSetting = "DEAD_LETTER_QUEUE_URL";
    public const string ServiceEndpointSetting = "AWS_ENDPOINT_URL_SQS";

    /// <summary>How long a listed message stays hidden if the listing dies before releasing it.</summary>
    private const int ListingVisibilitySeconds = 30;

    public string Description => $"the SQS dead-letter queue {queueUrl}";

    public static SqsDeadLetterQueue FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var env = new SettingsReader(environment);
        const string accepted = "the URL of the events queue's dead-letter queue (with CLEANCQRS_BROKER=sns), such as https://sqs.<region>.amazonaws.com/<account>/<name>.fifo";
        var url = env.HttpUrl(QueueUrlSetting, accepted) ?? throw SettingsException.Missing(QueueUrlSetting, accepted);
        var settings = AwsClientSettings.Resolve(env, ServiceEndpointSetting);
        var config = new AmazonSQSConfig();
        settings.ApplyTo(config);
        var client = settings.Credentials is { } local ? new AmazonSQSClient(local, config) : new AmazonSQSClient(config);
        return new SqsDeadLetterQueue(client, url.AbsoluteUri, TimeSpan.FromSeconds(1));
    }

    public async IAsyncEnumerable<DeadLetteredMessage> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var held = new List<string>();
        try
        {
            while (true)
            {
                var received = await client.ReceiveMessageAsync(
                    new ReceiveMessageRequest
                    {
                        QueueUrl = queueUrl,
                        MaxNumberOfMessages = 10,
                        VisibilityTimeout = ListingVisibilitySeconds,
                        WaitTimeSeconds = 0,
                        MessageSystemAttributeNames = ["All"],
                    },
                    cancellationToken);
                var fresh = (received.Messages ?? []).Where(m => seen.Add(m.MessageId)).ToList();
                held.AddRange((received.Messages ?? []).Select(m => m.ReceiptHandle));
                if (fresh.Count == 0)
                {
                    break;
                }

                foreach (var message in fresh)
                {
                    yield return ToDeadLetter(message);
                }
            }
        }
        finally
        {
            await ReleaseAsync(held);
        }
    }

    public async ValueTask<int> RequeueAsync(IProgress<int> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var attributes = await client.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = ["QueueArn"] }, cancellationToken);
        var arn = attributes.Attributes?.GetValueOrDefault("QueueArn")
            ?? throw new InvalidOperationException($"SQS did not give the ARN of {queueUrl}.");
        var started = await client.StartMessageMoveTaskAsync(new StartMessageMoveTaskRequest { SourceArn = arn }, cancellationToken);
        var reported = -1L;
        while (true)
        {
            var tasks = await client.ListMessageMoveTasksAsync(new ListMessageMoveTasksRequest { SourceArn = arn, MaxResults = 10 }, cancellationToken);
            var task = (tasks.Results ?? []).FirstOrDefault(t => t.TaskHandle == started.TaskHandle)
                ?? (tasks.Results ?? []).FirstOrDefault();
            if (task is null)
            {
                throw new InvalidOperationException($"SQS does not list the move task {started.TaskHandle} of {arn}.");
            }

            var moved = task.ApproximateNumberOfMessagesMoved ?? 0;
            if (moved != reported)
            {
                progress.Report((int)Math.Min(moved, int.MaxValue));
                reported = moved;
            }

            switch (task.Status)
            {
                case "COMPLETED":
                    return (int)Math.Min(moved, int.MaxValue);
                case "FAILED" or "CANCELLED":
                    throw new InvalidOperationException($"The redrive of {arn} {task.Status.ToLowerInvariant()}: {task.FailureReason}");
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }

    public void Dispose() => client.Dispose();

    private static DeadLetteredMessage ToDeadLetter(Message message)
    {
        var attributes = message.Attributes ?? [];
        return new DeadLetteredMessage(
            message.MessageId,
            attributes.GetValueOrDefault("MessageGroupId"),
            int.TryParse(attributes.GetValueOrDefault("ApproximateReceiveCount"), out var count) ? count : 0,
            Millis(attributes.GetValueOrDefault("SentTimestamp")),
            // SQS keeps a message's first-receive time across the move to the DLQ; its DLQ arrival is not exposed.
            Millis(attributes.GetValueOrDefault("ApproximateFirstReceiveTimestamp")),
            message.Body ?? string.Empty);
    }

    private static DateTimeOffset? Millis(string? value) =>
        long.TryParse(value, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>Makes the listed messages visible again, so listing leaves the queue as it was.</summary>
    private async Task ReleaseAsync(List<string> receiptHandles)
    {
        foreach (var chunk in receiptHandles.Chunk(10))
        {
            await client.ChangeMessageVisibilityBatchAsync(
                new ChangeMessageVisibilityBatchRequest
                {
                    QueueUrl = queueUrl,
                    Entries = [.. chunk.Select((handle, i) => new ChangeMessageVisibilityBatchRequestEntry
                    {
                        Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ReceiptHandle = handle,
                        VisibilityTimeout = 0,
                    })],
                },
                CancellationToken.None);
        }
    }
}
