namespace CleanCqrs.Infrastructure.Messaging;

/// <summary>
/// A message offered to the in-process broker, shaped like an SNS FIFO publish: the group orders
/// (the stream id), the deduplication id drops repeats within the window (the event id).
/// </summary>
public sealed record BrokerMessage(
    string GroupId,
    string DeduplicationId,
    string Body,
    IReadOnlyDictionary<string, string> MessageAttributes);

/// <summary>
/// A message as a consumer receives it, with what an SQS record carries: <see cref="ReceiveCount"/>
/// is <c>ApproximateReceiveCount</c> (1 on the first delivery) and <see cref="SequenceNumber"/>
/// increases with every accepted message.
/// </summary>
public sealed record ReceivedMessage(
    string MessageId,
    string GroupId,
    string DeduplicationId,
    string Body,
    IReadOnlyDictionary<string, string> Attributes,
    int ReceiveCount,
    DateTimeOffset SentAt,
    long SequenceNumber);

/// <summary>A message that failed its last allowed delivery and left the queue.</summary>
public sealed record DeadLetter(
    string MessageId,
    string GroupId,
    string DeduplicationId,
    string Body,
    IReadOnlyDictionary<string, string> Attributes,
    int ReceiveCount,
    DateTimeOffset SentAt,
    long SequenceNumber,
    DateTimeOffset DeadLetteredAt);

/// <summary>
/// What the broker holds: <see cref="Messages"/> not yet deleted, of which <see cref="InFlight"/>
/// are invisible right now (being handled, or waiting out a retry delay), and the dead letters.
/// </summary>
public sealed record BrokerCounts(int Messages, int InFlight, int DeadLetters);
