using System.Collections.Concurrent;
using System.Data;
using Microsoft.Data.Sqlite;

namespace CleanCqrs.Infrastructure.Sqlite;

/// <summary>How hard a commit waits for the disk.</summary>
public enum SqliteDurability
{
    /// <summary><c>synchronous=FULL</c>: a commit survives a process kill and an OS crash or power loss.</summary>
    Full,

    /// <summary>
    /// <c>synchronous=NORMAL</c> (WAL): a commit survives a process kill; the last ones may be lost to an
    /// OS crash. For data that can be rebuilt (read models).
    /// </summary>
    Rebuildable,
}

/// <summary>
/// One SQLite file in the data directory, shared by every caller of this process and by other
/// processes on the same file.
/// </summary>
/// <remarks>
/// <para>
/// Files: the event store lives in <see cref="EventsFileName"/>, the read models in
/// <see cref="ReadModelsFileName"/> (rebuildable, so their writes need not wait for the disk and never
/// queue behind appends); the in-process
/// broker keeps its queue in a file of its own (<c>broker.db</c>), so delivering messages never waits
/// for SQLite's single writer lock behind appends, and the broker also works next to the DynamoDB store.
/// </para>
/// <para>
/// Concurrency: WAL mode (readers never block the writer), a connection per operation from
/// Microsoft.Data.Sqlite's pool, and every write in a <c>BEGIN IMMEDIATE</c> transaction so it takes
/// the write lock before it reads what it checks. Writers through one instance queue on an async gate
/// rather than spinning in SQLite's busy handler; another process's (or instance's) writer is waited for by
/// <c>busy_timeout</c>. <c>synchronous=FULL</c>: an accepted write survives a process kill and an
/// OS crash, which the outbox relies on (a commit marked published must not outlive its message).
/// </para>
/// </remarks>
public sealed class SqliteDatabase : IDisposable
{
    public const string EventsFileName = "events.db";
    public const string ReadModelsFileName = "read-models.db";

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<string, Once> _schemas = new(StringComparer.Ordinal);
    private readonly Once _walMode;

    public SqliteDatabase(string dataDirectory, string fileName = EventsFileName, SqliteDurability durability = SqliteDurability.Full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        Directory.CreateDirectory(dataDirectory);
        FilePath = Path.GetFullPath(Path.Combine(dataDirectory, fileName));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds * 3,
        }.ToString();
        _walMode = new Once(EnableWalAsync);
        _pragmas = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {(durability == SqliteDurability.Full ? "FULL" : "NORMAL")};";
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Runs <paramref name="ddl"/> (idempotent statements such as <c>CREATE TABLE IF NOT EXISTS</c>)
    /// once per process; later calls with the same text return at once.
    /// </summary>
    internal Task EnsureSchemaAsync(string ddl, CancellationToken cancellationToken) =>
        _schemas
            .GetOrAdd(ddl, text => new Once(async () =>
                await WriteAsync((connection, transaction, ct) => ExecuteAsync(connection, transaction, text, ct), CancellationToken.None)))
            .RunAsync()
            .WaitAsync(cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a fresh connection, outside any explicit transaction.</summary>
    internal async ValueTask<T> ReadAsync<T>(
        Func<SqliteConnection, CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await work(connection, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a <c>BEGIN IMMEDIATE</c> transaction and commits it; an exception
    /// rolls everything back.
    /// </summary>
    internal async ValueTask<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteTransaction, CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            // Serializable and not deferred is BEGIN IMMEDIATE: the write lock is taken before the
            // first read, so a check and the write it guards cannot be split by another writer.
            await using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
            var result = await work(connection, transaction, cancellationToken);
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    internal static async ValueTask<int> ExecuteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _walMode.RunAsync().WaitAsync(cancellationToken);
        return await OpenRawAsync(cancellationToken);
    }

    private async ValueTask<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Per connection, and pooled connections keep them; cheap enough to repeat on every open.
            await ExecuteAsync(connection, null, _pragmas, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task EnableWalAsync()
    {
        await using var connection = await OpenRawAsync(CancellationToken.None);
        // Persistent in the file: every later connection, of any process, opens it in WAL mode.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", CancellationToken.None);
    }

    /// <summary>Closes the pooled connections to the file, so it can be moved or deleted.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _writeGate.Dispose();
    }

    /// <summary>
    /// Runs an initialisation once; a failed run (disk full, file locked too long) is tried again by
    /// the next caller instead of failing every later call.
    /// </summary>
    private sealed class Once(Func<Task> action)
    {
        private readonly Lock _sync = new();
        private Task? _task;

        public Task RunAsync()
        {
            lock (_sync)
            {
                if (_task is null || _task.IsFaulted || _task.IsCanceled)
                {
                    _task = Task.Run(action);
                }

                return _task;
            }
        }
    }
}
