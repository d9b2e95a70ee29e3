namespace CleanCqrs.Infrastructure.Sqlite;

/// <summary>
/// <c>guards.db</c>: the abuse counters, idempotency records and side-effect claims (decision 0019,
/// 0021). Apart from the event store so that a flood of refused requests never queues behind appends.
/// </summary>
public sealed class SqliteGuardsDatabase(SqliteDatabase database) : IDisposable
{
    public const string FileName = "guards.db";

    public SqliteDatabase Database { get; } = database;

    public static SqliteGuardsDatabase In(string dataDirectory) => new(new SqliteDatabase(dataDirectory, FileName));

    public void Dispose() => Database.Dispose();
}
