using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Serialization;

namespace CleanCqrs.Infrastructure.Sqlite;

/// <summary>
/// Read models in SQLite: a table per model type (<c>read_{collection}</c>) of (id, version, json).
/// A put is one conditional statement on the version, so two projecting consumers cannot both apply
/// on top of the same version.
/// </summary>
public sealed class SqliteReadModelStore<TModel> : IReadModelStore<TModel> where TModel : class, IReadModel
{
    private readonly SqliteDatabase database;
    private readonly JsonTypeInfo<TModel> typeInfo;
    private readonly string table;
    private readonly string schema;

    public SqliteReadModelStore(SqliteDatabase database)
    {
        this.database = database;
        typeInfo = ReadModelSerializer.TypeInfo<TModel>();
        var collection = ReadModelSerializer.Collection<TModel>();
        // The name goes into SQL text (a table name cannot be a parameter), so it must be a plain identifier.
        if (collection.Length == 0 || !collection.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"'{collection}' is not a usable collection name for {typeof(TModel).Name}.");
        }

        table = $"read_{collection}";
        schema = $"""
            CREATE TABLE IF NOT EXISTS {table} (
                id      TEXT    NOT NULL PRIMARY KEY,
                version INTEGER NOT NULL,
                json    TEXT    NOT NULL
            ) WITHOUT ROWID;
            """;
    }

    public async ValueTask<TModel?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        await database.EnsureSchemaAsync(schema, cancellationToken);
        var json = await database.ReadAsync(
            async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT json FROM {table} WHERE id = $id";
                command.Parameters.AddWithValue("$id", id);
                return await command.ExecuteScalarAsync(ct) as string;
            },
            cancellationToken);
        return json is null ? null : JsonSerializer.Deserialize(json, typeInfo);
    }

    public async ValueTask<bool> TryPutAsync(TModel model, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(model.Id, nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        await database.EnsureSchemaAsync(schema, cancellationToken);
        var json = JsonSerializer.Serialize(model, typeInfo);
        return await database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = expectedVersion == 0
                    ? $"INSERT INTO {table} (id, version, json) VALUES ($id, $version, $json) ON CONFLICT (id) DO NOTHING"
                    : $"UPDATE {table} SET version = $version, json = $json WHERE id = $id AND version = $expected";
                command.Parameters.AddWithValue("$id", model.Id);
                command.Parameters.AddWithValue("$version", model.Version);
                command.Parameters.AddWithValue("$json", json);
                command.Parameters.AddWithValue("$expected", expectedVersion);
                return await command.ExecuteNonQueryAsync(ct) == 1;
            },
            cancellationToken);
    }

    public async ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        await database.EnsureSchemaAsync(schema, cancellationToken);
        await database.WriteAsync(
            (connection, transaction, ct) => SqliteDatabase.ExecuteAsync(connection, transaction, $"DELETE FROM {table}", ct),
            cancellationToken);
    }
}
