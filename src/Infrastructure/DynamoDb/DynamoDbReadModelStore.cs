using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Serialization;
using static CleanCqrs.Infrastructure.DynamoDb.ReadModelsTable;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>
/// Read models of one type in the shared read-models table (<see cref="ReadModelsTable"/>), keyed
/// "{collection}#{id}"; every write is conditional on the version it was computed from.
/// </summary>
public sealed class DynamoDbReadModelStore<TModel> : IReadModelStore<TModel> where TModel : class, IReadModel
{
    /// <summary>BatchWriteItem takes at most 25 requests.</summary>
    private const int BatchSize = 25;

    private const int MaxBatchAttempts = 10;

    /// <summary>Unprocessed items mean throttling: waits within 100 ms doubling to 3.2 s.</summary>
    private static readonly Backoff ThrottlingBackoff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(3200));

    private static readonly JsonTypeInfo<TModel> Json = ReadModelSerializer.TypeInfo<TModel>();
    private static readonly string Collection = ReadModelSerializer.Collection<TModel>();

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly int? _pageSize;

    public DynamoDbReadModelStore(IAmazonDynamoDB client, DynamoDbTableNames tables)
        : this(client, tables, pageSize: null)
    {
    }

    /// <param name="pageSize">Items per Scan page; null leaves DynamoDB's 1 MB pages (tests make pages small).</param>
    internal DynamoDbReadModelStore(IAmazonDynamoDB client, DynamoDbTableNames tables, int? pageSize)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tables);
        _client = client;
        _table = tables.ReadModels;
        _pageSize = pageSize;
    }

    public async ValueTask<TModel?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var response = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = _table,
                Key = new() { [Pk] = new AttributeValue { S = Key(Collection, id) } },
                ProjectionExpression = "#body",
                ExpressionAttributeNames = new() { ["#body"] = Body },
                ConsistentRead = true,
            },
            cancellationToken);
        return response.Item is { } item && item.TryGetValue(Body, out var body)
            ? JsonSerializer.Deserialize(body.S, Json)
            : null;
    }

    public async ValueTask<bool> TryPutAsync(TModel model, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var item = new Dictionary<string, AttributeValue>
        {
            [Pk] = new() { S = Key(Collection, model.Id) },
            [ReadModelsTable.Version] = new() { N = model.Version.ToString(CultureInfo.InvariantCulture) },
            [Body] = new() { S = JsonSerializer.Serialize(model, Json) },
        };
        ItemSize.Guard(item, $"The {Collection} read model {model.Id}");
        var request = new PutItemRequest { TableName = _table, Item = item };
        if (expectedVersion == 0)
        {
            request.ConditionExpression = "attribute_not_exists(#pk)";
            request.ExpressionAttributeNames = new() { ["#pk"] = Pk };
        }
        else
        {
            request.ConditionExpression = "#version = :expected";
            request.ExpressionAttributeNames = new() { ["#version"] = ReadModelsTable.Version };
            request.ExpressionAttributeValues = new()
            {
                [":expected"] = new AttributeValue { N = expectedVersion.ToString(CultureInfo.InvariantCulture) },
            };
        }

        try
        {
            await _client.PutItemAsync(request, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        var request = new ScanRequest
        {
            TableName = _table,
            FilterExpression = "begins_with(#pk, :prefix)",
            ProjectionExpression = "#pk",
            ExpressionAttributeNames = new() { ["#pk"] = Pk },
            ExpressionAttributeValues = new() { [":prefix"] = new AttributeValue { S = Key(Collection, string.Empty) } },
            ConsistentRead = true,
            Limit = _pageSize,
        };
        do
        {
            var page = await _client.ScanAsync(request, cancellationToken);
            foreach (var chunk in (page.Items ?? []).Chunk(BatchSize))
            {
                await DeleteAsync(chunk, cancellationToken);
            }

            // A filtered page can be empty and still not be the last one.
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (request.ExclusiveStartKey is not null);
    }

    private async Task DeleteAsync(Dictionary<string, AttributeValue>[] keys, CancellationToken cancellationToken)
    {
        var requests = new Dictionary<string, List<WriteRequest>>
        {
            [_table] = keys.Select(key => new WriteRequest { DeleteRequest = new DeleteRequest { Key = key } }).ToList(),
        };
        for (var attempt = 1; ; attempt++)
        {
            var response = await _client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = requests }, cancellationToken);
            if (response.UnprocessedItems is not { Count: > 0 } unprocessed || unprocessed.Values.All(r => r.Count == 0))
            {
                return;
            }

            if (attempt == MaxBatchAttempts)
            {
                throw new InvalidOperationException(
                    $"DynamoDB left {unprocessed.Values.Sum(r => r.Count)} deletes from {_table} unprocessed after {attempt} attempts.");
            }

            requests = unprocessed;
            await ThrottlingBackoff.DelayAsync(attempt, TimeProvider.System, cancellationToken);
        }
    }
}
