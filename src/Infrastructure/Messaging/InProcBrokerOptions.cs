namespace CleanCqrs.Infrastructure.Messaging;

/// <summary>The queue settings of the in-process broker; the defaults mirror the AWS setup.</summary>
public sealed record InProcBrokerOptions
{
    public const string DefaultFileName = "broker.db";

    /// <summary>SQS allows at most 10 messages per receive.</summary>
    public const int MaxBatchSize = 10;

    /// <summary>The broker's SQLite file in the data directory.</summary>
    public string FileName { get; init; } = DefaultFileName;

    /// <summary>Deliveries of a message before its next failure moves it to the dead letters.</summary>
    public int MaxReceiveCount { get; init; } = 5;

    public int BatchSize { get; init; } = MaxBatchSize;

    /// <summary>
    /// Batches delivered at the same time, each from other message groups (as Lambda's SQS poller
    /// runs several invocations at once); a group is never in two batches.
    /// </summary>
    public int Consumers { get; init; } = 4;

    /// <summary>
    /// How long a received message stays hidden while its handler runs. Only a consumer that died
    /// mid-batch (or one slower than this) lets it reappear before it is settled.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a failed message (and so its group) waits before its next delivery, so a transient
    /// failure does not burn every allowed delivery within milliseconds.
    /// </summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>SNS FIFO drops a repeated deduplication id for five minutes.</summary>
    public TimeSpan DeduplicationWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often an idle pump looks for messages it was not told about: published by another process,
    /// or visible again after a retry delay.
    /// </summary>
    public TimeSpan IdlePollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(FileName);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReceiveCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, MaxBatchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(Consumers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(VisibilityTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DeduplicationWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdlePollInterval, TimeSpan.Zero);
    }
}
