using System.Text;
using System.Text.Json;
using CleanCqrs.Infrastructure.Messaging;

namespace CleanCqrs.LambdaHost.Operator;

/// <summary>A dead-lettered message as the operator sees it, whichever queue held it.</summary>
public sealed record DeadLetteredMessage(
    string MessageId, string? GroupId, int ReceiveCount, DateTimeOffset? SentAt, DateTimeOffset? DeadLetteredAt, string Body)
{
    /// <summary>One JSON object per message (written by hand: no reflection under Native AOT).</summary>
    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("messageId", MessageId);
            json.WriteString("groupId", GroupId);
            json.WriteNumber("receiveCount", ReceiveCount);
            WriteTime(json, "sentAt", SentAt);
            WriteTime(json, "deadLetteredAt", DeadLetteredAt);
            json.WriteString("body", Body);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            json.WriteString(name, value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}

/// <summary>Where dead letters wait: the in-process broker's table, or the SQS dead-letter queue.</summary>
public interface IDeadLetterQueue
{
    /// <summary>A sentence naming the queue, for the operator's output.</summary>
    string Description { get; }

    IAsyncEnumerable<DeadLetteredMessage> ListAsync(CancellationToken cancellationToken);

    /// <summary>Puts every dead letter back for delivery; <paramref name="progress"/> hears the running total.</summary>
    ValueTask<int> RequeueAsync(IProgress<int> progress, CancellationToken cancellationToken);
}

/// <summary>The in-process broker's dead letters (local mode).</summary>
public sealed class InProcDeadLetterQueue(InProcBroker broker, string dataDirectory) : IDeadLetterQueue
{
    public string Description => $"the in-process broker's dead letters in {Path.GetFullPath(dataDirectory)}";

    public async IAsyncEnumerable<DeadLetteredMessage> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var letter in await broker.ListDeadLettersAsync(cancellationToken))
        {
            yield return new DeadLetteredMessage(
                letter.MessageId, letter.GroupId, letter.ReceiveCount, letter.SentAt, letter.DeadLetteredAt, letter.Body);
        }
    }

    public async ValueTask<int> RequeueAsync(IProgress<int> progress, CancellationToken cancellationToken) =>
        await broker.RequeueDeadLettersAsync(progress, cancellationToken);
}
