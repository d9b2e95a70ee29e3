using CleanCqrs.Infrastructure.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Messaging;

/// <summary>
/// An SNS FIFO topic with one SQS FIFO queue behind it, kept in SQLite (<c>broker.db</c> in the data
/// directory) so an accepted message survives a process kill and is delivered after a restart.
/// </summary>
/// <remarks>
/// <para>
/// Publish: all messages of one call in one transaction; a deduplication id seen within
/// <see cref="InProcBrokerOptions.DeduplicationWindow"/> is accepted and dropped.
/// </para>
/// <para>
/// Delivery: a batch takes the oldest visible messages, at most
/// <see cref="InProcBrokerOptions.BatchSize"/>; a group with any message hidden (in flight or
/// waiting out a retry delay) gives none, so each group is delivered in order and one batch at a
/// time, while several groups may share a batch. Receiving counts a delivery and hides the message
/// for <see cref="InProcBrokerOptions.VisibilityTimeout"/>. After the handler, successes are deleted;
/// a failure, and every later message of its group in that batch, is hidden for
/// <see cref="InProcBrokerOptions.RetryDelay"/> and delivered again, or moved to the dead letters if
/// it has had <see cref="InProcBrokerOptions.MaxReceiveCount"/> deliveries (as SQS does, that holds
/// for the later messages failed by the FIFO rule too). Settling is guarded by the receive count, the
/// way an SQS receipt handle is: a consumer whose message timed out and was received again elsewhere
/// cannot delete it.
/// </para>
/// <para>Several brokers (in this or other processes) may share the file; the visibility rules keep them apart.</para>
/// </remarks>
public sealed class InProcBroker : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS broker_messages (
            seq              INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id       TEXT    NOT NULL UNIQUE,
            group_id         TEXT    NOT NULL,
            deduplication_id TEXT    NOT NULL,
            body             TEXT    NOT NULL,
            attributes       TEXT    NOT NULL,
            sent_at          INTEGER NOT NULL,
            receive_count    INTEGER NOT NULL DEFAULT 0,
            invisible_until  INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS broker_messages_group ON broker_messages (group_id, invisible_until);
        CREATE TABLE IF NOT EXISTS broker_deduplication (
            deduplication_id TEXT    NOT NULL PRIMARY KEY,
            expires_at       INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS broker_deduplication_expiry ON broker_deduplication (expires_at);
        CREATE TABLE IF NOT EXISTS broker_dead_letters (
            seq              INTEGER NOT NULL PRIMARY KEY,
            message_id       TEXT    NOT NULL,
            group_id         TEXT    NOT NULL,
            deduplication_id TEXT    NOT NULL,
            body             TEXT    NOT NULL,
            attributes       TEXT    NOT NULL,
            sent_at          INTEGER NOT NULL,
            receive_count    INTEGER NOT NULL,
            dead_lettered_at INTEGER NOT NULL
        );
        """;

    private const string MessageColumns = "seq, message_id, group_id, deduplication_id, body, attributes, sent_at, receive_count";

    private readonly SqliteDatabase _database;
    private readonly ILogger _logger;
    private TaskCompletionSource _published = NewSignal();

    public InProcBroker(
        string dataDirectory,
        InProcBrokerOptions? options = null,
        TimeProvider? clock = null,
        ILogger<InProcBroker>? logger = null)
    {
        Options = options ?? new InProcBrokerOptions();
        Options.Validate();
        Clock = clock ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _database = new SqliteDatabase(dataDirectory, Options.FileName);
    }

    public InProcBrokerOptions Options { get; }

    internal TimeProvider Clock { get; }

    /// <summary>Completes at the next publish of this broker instance (for an idle pump to wake up).</summary>
    internal Task NextPublish => Volatile.Read(ref _published).Task;

    /// <summary>
    /// Accepts <paramref name="messages"/> atomically (all or none); a message whose deduplication id
    /// was accepted within the window is dropped without error.
    /// </summary>
    public async ValueTask PublishAsync(IReadOnlyList<BrokerMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            ArgumentException.ThrowIfNullOrEmpty(message.GroupId, nameof(messages));
            ArgumentException.ThrowIfNullOrEmpty(message.DeduplicationId, nameof(messages));
            ArgumentNullException.ThrowIfNull(message.Body, nameof(messages));
            ArgumentNullException.ThrowIfNull(message.MessageAttributes, nameof(messages));
        }

        if (messages.Count == 0)
        {
            return;
        }

        await _database.EnsureSchemaAsync(Schema, cancellationToken);
        var accepted = await _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
                await using (var prune = Command(connection, transaction, "DELETE FROM broker_deduplication WHERE expires_at <= $now"))
                {
                    prune.Parameters.AddWithValue("$now", now);
                    await prune.ExecuteNonQueryAsync(ct);
                }

                await using var remember = Command(
                    connection,
                    transaction,
                    "INSERT INTO broker_deduplication (deduplication_id, expires_at) VALUES ($id, $expires) ON CONFLICT DO NOTHING");
                await using var insert = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO broker_messages (message_id, group_id, deduplication_id, body, attributes, sent_at)
                    VALUES ($messageId, $group, $deduplicationId, $body, $attributes, $sentAt)
                    """);
                var count = 0;
                foreach (var message in messages)
                {
                    remember.Parameters.Clear();
                    remember.Parameters.AddWithValue("$id", message.DeduplicationId);
                    remember.Parameters.AddWithValue("$expires", now + (long)Options.DeduplicationWindow.TotalMilliseconds);
                    if (await remember.ExecuteNonQueryAsync(ct) == 0)
                    {
                        continue;
                    }

                    insert.Parameters.Clear();
                    insert.Parameters.AddWithValue("$messageId", Guid.CreateVersion7().ToString());
                    insert.Parameters.AddWithValue("$group", message.GroupId);
                    insert.Parameters.AddWithValue("$deduplicationId", message.DeduplicationId);
                    insert.Parameters.AddWithValue("$body", message.Body);
                    insert.Parameters.AddWithValue("$attributes", MessageAttributesJson.Serialize(message.MessageAttributes));
                    insert.Parameters.AddWithValue("$sentAt", now);
                    await insert.ExecuteNonQueryAsync(ct);
                    count++;
                }

                return count;
            },
            cancellationToken);

        if (accepted > 0)
        {
            WakeConsumers();
        }
    }

    /// <summary>
    /// Receives one batch, runs <paramref name="handler"/> on it and settles it. The handler returns the
    /// ids of the messages that failed (SQS <c>batchItemFailures</c>); throwing fails the whole batch.
    /// </summary>
    /// <returns>The number of messages handed to the handler; 0 when none was visible.</returns>
    public async ValueTask<int> DeliverOnceAsync(
        Func<IReadOnlyList<ReceivedMessage>, CancellationToken, Task<IReadOnlySet<string>>> handler,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        await _database.EnsureSchemaAsync(Schema, cancellationToken);
        var batch = await ReceiveAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        IReadOnlySet<string> failed;
        try
        {
            failed = await handler(batch, cancellationToken) ?? new HashSet<string>(StringComparer.Ordinal);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is not the messages' fault: hand them back without counting this delivery.
            await SettleAsync(batch, _ => Outcome.Release, CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "The handler failed a batch of {Count} messages; all of them will be delivered again", batch.Count);
            failed = batch.Select(m => m.MessageId).ToHashSet(StringComparer.Ordinal);
        }

        // FIFO: once a message of a group fails, the later ones of that group in this batch fail with it.
        var failedGroups = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        foreach (var message in batch)
        {
            if (failedGroups.Contains(message.GroupId) || failed.Contains(message.MessageId))
            {
                failedGroups.Add(message.GroupId);
                outcomes[message.MessageId] = message.ReceiveCount >= Options.MaxReceiveCount ? Outcome.DeadLetter : Outcome.Retry;
            }
            else
            {
                outcomes[message.MessageId] = Outcome.Delete;
            }
        }

        await SettleAsync(batch, m => outcomes[m.MessageId], CancellationToken.None);
        return batch.Count;
    }

    /// <summary>Every dead letter, oldest message first.</summary>
    public async ValueTask<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(Schema, cancellationToken);
        return await _database.ReadAsync<IReadOnlyList<DeadLetter>>(
            async (connection, ct) =>
            {
                await using var command = Command(
                    connection, null, $"SELECT {MessageColumns}, dead_lettered_at FROM broker_dead_letters ORDER BY seq");
                await using var reader = await command.ExecuteReaderAsync(ct);
                var letters = new List<DeadLetter>();
                while (await reader.ReadAsync(ct))
                {
                    var message = ReadMessage(reader);
                    letters.Add(new DeadLetter(
                        message.MessageId,
                        message.GroupId,
                        message.DeduplicationId,
                        message.Body,
                        message.Attributes,
                        message.ReceiveCount,
                        message.SentAt,
                        message.SequenceNumber,
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8))));
                }

                return letters;
            },
            cancellationToken);
    }

    /// <summary>
    /// Puts dead letters back on the queue (an operator's redrive), oldest first, at most
    /// <paramref name="batchSize"/> per transaction: each goes to the end of its group with its receive
    /// count reset, past the deduplication window (a redrive is deliberate). <paramref name="progress"/>
    /// hears the running total after every batch.
    /// </summary>
    /// <returns>How many messages were requeued.</returns>
    public async ValueTask<int> RequeueDeadLettersAsync(IProgress<int>? progress, CancellationToken cancellationToken, int batchSize = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        await _database.EnsureSchemaAsync(Schema, cancellationToken);
        var total = 0;
        while (true)
        {
            var moved = await _database.WriteAsync(
                async (connection, transaction, ct) =>
                {
                    await using var copy = Command(
                        connection,
                        transaction,
                        """
                        INSERT INTO broker_messages (message_id, group_id, deduplication_id, body, attributes, sent_at, receive_count, invisible_until)
                        SELECT message_id, group_id, deduplication_id, body, attributes, sent_at, 0, 0
                        FROM broker_dead_letters ORDER BY seq LIMIT $limit
                        """);
                    copy.Parameters.AddWithValue("$limit", batchSize);
                    var count = await copy.ExecuteNonQueryAsync(ct);
                    await using var delete = Command(
                        connection,
                        transaction,
                        "DELETE FROM broker_dead_letters WHERE seq IN (SELECT seq FROM broker_dead_letters ORDER BY seq LIMIT $limit)");
                    delete.Parameters.AddWithValue("$limit", batchSize);
                    await delete.ExecuteNonQueryAsync(ct);
                    return count;
                },
                cancellationToken);
            if (moved == 0)
            {
                break;
            }

            total += moved;
            WakeConsumers();
            progress?.Report(total);
        }

        return total;
    }

    /// <summary>
    /// Makes every hidden message visible now. For the one consumer process of a data directory at its
    /// start: a batch that a killed process had received but not settled would otherwise block its
    /// groups until the visibility timeout ran out. Its receive counts stand (the delivery happened).
    /// </summary>
    /// <returns>How many messages were released.</returns>
    public async ValueTask<int> ReleaseInFlightAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(Schema, cancellationToken);
        var released = await _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = Command(
                    connection, transaction, "UPDATE broker_messages SET invisible_until = 0 WHERE invisible_until > $now");
                command.Parameters.AddWithValue("$now", Clock.GetUtcNow().ToUnixTimeMilliseconds());
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);
        if (released > 0)
        {
            WakeConsumers();
        }

        return released;
    }

    public async ValueTask<BrokerCounts> CountAsync(CancellationToken cancellationToken)
    {
        await _database.EnsureSchemaAsync(Schema, cancellationToken);
        return await _database.ReadAsync(
            async (connection, ct) =>
            {
                await using var command = Command(
                    connection,
                    null,
                    """
                    SELECT (SELECT COUNT(*) FROM broker_messages),
                           (SELECT COUNT(*) FROM broker_messages WHERE invisible_until > $now),
                           (SELECT COUNT(*) FROM broker_dead_letters)
                    """);
                command.Parameters.AddWithValue("$now", Clock.GetUtcNow().ToUnixTimeMilliseconds());
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                return new BrokerCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
            },
            cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private async ValueTask<IReadOnlyList<ReceivedMessage>> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (batch, deadLettered) = await _database.WriteAsync(
                async (connection, transaction, ct) =>
                {
                    var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
                    var candidates = new List<ReceivedMessage>(Options.BatchSize);
                    await using (var select = Command(
                        connection,
                        transaction,
                        $"""
                        SELECT {MessageColumns} FROM broker_messages AS m
                        WHERE NOT EXISTS (
                            SELECT 1 FROM broker_messages AS hidden
                            WHERE hidden.group_id = m.group_id AND hidden.invisible_until > $now)
                        ORDER BY seq LIMIT $limit
                        """))
                    {
                        select.Parameters.AddWithValue("$now", now);
                        select.Parameters.AddWithValue("$limit", Options.BatchSize);
                        await using var reader = await select.ExecuteReaderAsync(ct);
                        while (await reader.ReadAsync(ct))
                        {
                            candidates.Add(ReadMessage(reader));
                        }
                    }

                    var received = new List<ReceivedMessage>(candidates.Count);
                    var dead = 0;
                    await using var take = Command(
                        connection,
                        transaction,
                        "UPDATE broker_messages SET receive_count = receive_count + 1, invisible_until = $until WHERE seq = $seq");
                    foreach (var candidate in candidates)
                    {
                        // Its last allowed delivery ended without a verdict (the consumer died): SQS
                        // moves such a message to the dead-letter queue on the next receive.
                        if (candidate.ReceiveCount >= Options.MaxReceiveCount)
                        {
                            await DeadLetterAsync(connection, transaction, candidate, now, ct);
                            dead++;
                            continue;
                        }

                        take.Parameters.Clear();
                        take.Parameters.AddWithValue("$until", now + (long)Options.VisibilityTimeout.TotalMilliseconds);
                        take.Parameters.AddWithValue("$seq", candidate.SequenceNumber);
                        await take.ExecuteNonQueryAsync(ct);
                        received.Add(candidate with { ReceiveCount = candidate.ReceiveCount + 1 });
                    }

                    return (received, dead);
                },
                cancellationToken);

            if (batch.Count > 0 || deadLettered == 0)
            {
                return batch;
            }
        }
    }

    private async ValueTask SettleAsync(
        IReadOnlyList<ReceivedMessage> batch, Func<ReceivedMessage, Outcome> outcomeOf, CancellationToken cancellationToken) =>
        await _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
                foreach (var message in batch)
                {
                    var outcome = outcomeOf(message);
                    if (outcome == Outcome.DeadLetter)
                    {
                        if (await DeadLetterAsync(connection, transaction, message, now, ct))
                        {
                            _logger.LogWarning(
                                "Message {MessageId} of group {GroupId} failed its delivery {ReceiveCount} and went to the dead letters",
                                message.MessageId, message.GroupId, message.ReceiveCount);
                        }

                        continue;
                    }

                    // The receive count is the receipt: if it moved on, another consumer owns the message now.
                    await using var command = Command(
                        connection,
                        transaction,
                        outcome switch
                        {
                            Outcome.Delete => "DELETE FROM broker_messages WHERE seq = $seq AND receive_count = $count",
                            Outcome.Retry => "UPDATE broker_messages SET invisible_until = $until WHERE seq = $seq AND receive_count = $count",
                            _ => "UPDATE broker_messages SET invisible_until = 0, receive_count = $count - 1 WHERE seq = $seq AND receive_count = $count",
                        });
                    command.Parameters.AddWithValue("$seq", message.SequenceNumber);
                    command.Parameters.AddWithValue("$count", message.ReceiveCount);
                    if (outcome == Outcome.Retry)
                    {
                        command.Parameters.AddWithValue("$until", now + (long)Options.RetryDelay.TotalMilliseconds);
                    }

                    await command.ExecuteNonQueryAsync(ct);
                }

                return batch.Count;
            },
            cancellationToken);

    /// <summary>Moves the message to the dead letters if it is still at the receive count the caller saw.</summary>
    private static async ValueTask<bool> DeadLetterAsync(
        SqliteConnection connection, SqliteTransaction transaction, ReceivedMessage message, long now, CancellationToken cancellationToken)
    {
        await using var copy = Command(
            connection,
            transaction,
            $"""
            INSERT INTO broker_dead_letters ({MessageColumns}, dead_lettered_at)
            SELECT {MessageColumns}, $now FROM broker_messages WHERE seq = $seq AND receive_count = $count
            """);
        copy.Parameters.AddWithValue("$now", now);
        copy.Parameters.AddWithValue("$seq", message.SequenceNumber);
        copy.Parameters.AddWithValue("$count", message.ReceiveCount);
        if (await copy.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await using var delete = Command(connection, transaction, "DELETE FROM broker_messages WHERE seq = $seq");
        delete.Parameters.AddWithValue("$seq", message.SequenceNumber);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    private static ReceivedMessage ReadMessage(SqliteDataReader reader) => new(
        MessageId: reader.GetString(1),
        GroupId: reader.GetString(2),
        DeduplicationId: reader.GetString(3),
        Body: reader.GetString(4),
        Attributes: MessageAttributesJson.Deserialize(reader.GetString(5)),
        ReceiveCount: reader.GetInt32(7),
        SentAt: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        SequenceNumber: reader.GetInt64(0));

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Wakes every idle pump of this process: there is something to deliver.</summary>
    private void WakeConsumers() => Interlocked.Exchange(ref _published, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private enum Outcome
    {
        Delete,
        Retry,
        DeadLetter,
        Release,
    }
}
