namespace CleanCqrs.Infrastructure.Messaging.Sns;

/// <summary>A message attribute; <paramref name="DataType"/> is <c>String</c>, <c>Number</c> or <c>String.Array</c>.</summary>
public sealed record SnsMessageAttribute(string Name, string Value, string DataType = "String");

/// <summary>
/// One <c>Publish</c> call: to a topic (<see cref="TopicArn"/>) or straight to a phone by SMS
/// (<see cref="PhoneNumber"/>, E.164); exactly one of the two is set.
/// </summary>
public sealed record SnsPublishRequest
{
    public string? TopicArn { get; init; }

    public string? PhoneNumber { get; init; }

    public required string Message { get; init; }

    public string? Subject { get; init; }

    /// <summary>Required by FIFO topics.</summary>
    public string? MessageGroupId { get; init; }

    /// <summary>FIFO topics without content-based deduplication need one.</summary>
    public string? MessageDeduplicationId { get; init; }

    public IReadOnlyList<SnsMessageAttribute> Attributes { get; init; } = [];
}

/// <summary>One entry of a <c>PublishBatch</c> call; <paramref name="Id"/> is unique within the call (≤ 80 of <c>[A-Za-z0-9_-]</c>).</summary>
public sealed record SnsBatchEntry(string Id, string Message)
{
    public string? MessageGroupId { get; init; }

    public string? MessageDeduplicationId { get; init; }

    public IReadOnlyList<SnsMessageAttribute> Attributes { get; init; } = [];
}

/// <summary>What SNS answered to a <c>Publish</c>; <see cref="SequenceNumber"/> only for FIFO topics.</summary>
public sealed record SnsPublishResult(string MessageId, string? SequenceNumber, string? RequestId);

/// <summary>An entry SNS accepted in a <c>PublishBatch</c>.</summary>
public sealed record SnsBatchResultEntry(string Id, string MessageId, string? SequenceNumber);

/// <summary>An entry SNS refused in a <c>PublishBatch</c> (the call itself answered 200).</summary>
public sealed record SnsBatchFailure(string Id, string Code, string? Message, bool SenderFault);
