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
    private readonly SqliteDatabase _database;
    private readonly JsonTypeInfo<TModel> _typeInfo;
    private readonly string _table;
    private readonly string _schema;

    public SqliteReadModelStore(SqliteDatabase database)
    {
        _database = database;
        _typeInfo = ReadModelSerializer.TypeInfo<TModel>();
        var collection = ReadModelSerializer.Collection<TModel>();
        // The name goes into SQL text (a table name cannot be a parameter), so it must be a plain identifier.
        if (collection.Length == 0 || !collection.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"'{collection}' is not a usable collection name for {typeof(TModel).Name}.");
        }

        _table = $"read_{collection}";
        _schema = $"""
            CREATE TABLE IF NOT EXISTS {_table} (
                id      TEXT    NOT NULL PRIMARY KEY,
                version INTEGER NOT NULL,
                json    TEXT    NOT NULL
            ) WITHOUT ROWID;
            """;
    }

    public async ValueTask<TModel?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        await _database.EnsureSchemaAsync(_schema, cancellationToken);
        var json = await _database.ReadAsync(
            async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT json FROM {_table} WHERE id = $id";
                command.Parameters.AddWithValue("$id", id);
                return await command.ExecuteScalarAsync(ct) as string;
            },
            cancellationToken);
        return json is null ? null : JsonSerializer.Deserialize(json, _typeInfo);
    }

    public async ValueTask<bool> TryPutAsync(TModel model, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(model.Id, nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        await _database.EnsureSchemaAsync(_schema, cancellationToken);
        var json = JsonSerializer.Serialize(model, _typeInfo);
        return await _database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = expectedVersion == 0
                    ? $"INSERT INTO {_table} (id, version, json) VALUES ($id, $version, $json) ON CONFLICT (id) DO NOTHING"
                    : $"UPDATE {_table} SET version = $version, json = $json WHERE id = $id AND version = $expected";
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
        await _database.EnsureSchemaAsync(_schema, cancellationToken);
        await _database.WriteAsync(
            (connection, transaction, ct) => SqliteDatabase.ExecuteAsync(connection, transaction, $"DELETE FROM {_table}", ct),
            cancellationToken);
    }
}
