using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>Creates the service's tables where they are missing and waits until they can be used.</summary>
public static class DynamoDbProvisioner
{
    /// <summary>A new table with an index is usually active within a minute; this bounds a stuck one.</summary>
    private static readonly TimeSpan ActivationTimeout = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Idempotent: an existing table is left as it is (after checking that its keys are the ones this
    /// build uses), except that an index this build needs and the table lacks is added (a table from a
    /// build before the sharded outbox gets its <c>outbox-index</c>); a missing table is created; both are
    /// awaited until the table and its indexes are active.
    /// </summary>
    public static async Task EnsureTablesAsync(IAmazonDynamoDB client, DynamoDbTableNames names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        foreach (var definition in TableDefinitions.All(names))
        {
            await EnsureTableAsync(client, definition, cancellationToken);
        }

        await EnableTimeToLiveAsync(client, names.Guards, GuardsTable.Ttl, cancellationToken);
    }

    /// <summary>
    /// Turns on TTL where the server has it. A local DynamoDB-compatible server may not (dynalite has no
    /// <c>UpdateTimeToLive</c>); nothing depends on it, since expired guard items are ignored by the code.
    /// </summary>
    private static async Task EnableTimeToLiveAsync(IAmazonDynamoDB client, string tableName, string attribute, CancellationToken cancellationToken)
    {
        var current = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = tableName }, cancellationToken);
        if (current.TimeToLiveDescription?.TimeToLiveStatus is { } status
            && (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING))
        {
            return;
        }

        try
        {
            await client.UpdateTimeToLiveAsync(
                new UpdateTimeToLiveRequest
                {
                    TableName = tableName,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = attribute, Enabled = true },
                },
                cancellationToken);
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == "UnknownOperationException")
        {
            // The server has no TTL.
        }
    }

    private static async Task EnsureTableAsync(IAmazonDynamoDB client, CreateTableRequest definition, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ActivationTimeout);
        var pollInterval = TimeSpan.FromMilliseconds(50);
        try
        {
            while (true)
            {
                var table = await DescribeAsync(client, definition.TableName, timeout.Token);
                if (table is null)
                {
                    await CreateAsync(client, definition, timeout.Token);
                }
                else if (IsActive(table))
                {
                    if (MissingIndex(definition, table) is not { } missing)
                    {
                        CheckKeys(definition, table);
                        return;
                    }

                    await AddIndexAsync(client, definition, missing, timeout.Token);
                }

                await Task.Delay(pollInterval, timeout.Token);
                pollInterval = TimeSpan.FromTicks(Math.Min(pollInterval.Ticks * 2, MaxPollInterval.Ticks));
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"DynamoDB table {definition.TableName} did not become active within {ActivationTimeout}.");
        }
    }

    private static async Task<TableDescription?> DescribeAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    private static async Task CreateAsync(IAmazonDynamoDB client, CreateTableRequest definition, CancellationToken cancellationToken)
    {
        try
        {
            await client.CreateTableAsync(definition, cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // Another provisioner created it between our describe and create: wait for it like ours.
        }
    }

    /// <summary>An index of the definition the table lacks, if its keys are otherwise the ones this build uses.</summary>
    private static GlobalSecondaryIndex? MissingIndex(CreateTableRequest definition, TableDescription table) =>
        SameKeys(definition.KeySchema, table.KeySchema)
            ? (definition.GlobalSecondaryIndexes ?? []).FirstOrDefault(
                wanted => !(table.GlobalSecondaryIndexes ?? []).Any(actual => actual.IndexName == wanted.IndexName))
            : null;

    /// <summary>DynamoDB builds one new index per request, backfilling it from the table's items.</summary>
    private static async Task AddIndexAsync(
        IAmazonDynamoDB client, CreateTableRequest definition, GlobalSecondaryIndex index, CancellationToken cancellationToken)
    {
        var keys = index.KeySchema.Select(k => k.AttributeName).ToHashSet(StringComparer.Ordinal);
        UpdateTableResponse response;
        try
        {
            response = await client.UpdateTableAsync(
                new UpdateTableRequest
                {
                    TableName = definition.TableName,
                    AttributeDefinitions = [.. definition.AttributeDefinitions.Where(a => keys.Contains(a.AttributeName))],
                    GlobalSecondaryIndexUpdates =
                    [
                        new GlobalSecondaryIndexUpdate
                        {
                            Create = new CreateGlobalSecondaryIndexAction
                            {
                                IndexName = index.IndexName,
                                KeySchema = index.KeySchema,
                                Projection = index.Projection,
                            },
                        },
                    ],
                },
                cancellationToken);
        }
        catch (AmazonDynamoDBException ex) when (ex is not ResourceNotFoundException)
        {
            // Local look-alikes refuse an on-demand index without provisioned throughput.
            throw new InvalidOperationException(
                $"DynamoDB table {definition.TableName} has no index {index.IndexName} and the endpoint did not add it ({ex.Message}); "
                + "create the table anew (a local server) or deploy deploy/template.yaml (AWS).", ex);
        }

        if (!(response.TableDescription?.GlobalSecondaryIndexes ?? []).Any(i => i.IndexName == index.IndexName))
        {
            // Some local DynamoDB look-alikes accept the request and ignore it; waiting would never end.
            throw new InvalidOperationException(
                $"DynamoDB table {definition.TableName} has no index {index.IndexName} and the endpoint did not add it; "
                + "create the table anew (a local server) or deploy deploy/template.yaml (AWS).");
        }
    }

    private static bool IsActive(TableDescription table) =>
        table.TableStatus == TableStatus.ACTIVE
        && (table.GlobalSecondaryIndexes ?? []).All(index => index.IndexStatus == IndexStatus.ACTIVE);

    /// <summary>An existing table with other keys would fail every request later, with a far vaguer error.</summary>
    private static void CheckKeys(CreateTableRequest definition, TableDescription table)
    {
        var problems = new List<string>();
        if (!SameKeys(definition.KeySchema, table.KeySchema))
        {
            problems.Add($"key {Describe(table.KeySchema)} instead of {Describe(definition.KeySchema)}");
        }

        foreach (var wanted in definition.GlobalSecondaryIndexes ?? [])
        {
            var actual = (table.GlobalSecondaryIndexes ?? []).FirstOrDefault(i => i.IndexName == wanted.IndexName);
            if (actual is null)
            {
                problems.Add($"no index {wanted.IndexName}");
            }
            else if (!SameKeys(wanted.KeySchema, actual.KeySchema))
            {
                problems.Add($"index {wanted.IndexName} keyed {Describe(actual.KeySchema)} instead of {Describe(wanted.KeySchema)}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"DynamoDB table {definition.TableName} exists but does not match this build: {string.Join("; ", problems)}.");
        }
    }

    private static bool SameKeys(List<KeySchemaElement>? wanted, List<KeySchemaElement>? actual) =>
        Describe(wanted) == Describe(actual);

    private static string Describe(List<KeySchemaElement>? keys) =>
        "(" + string.Join(", ", (keys ?? []).Select(k => $"{k.AttributeName} {k.KeyType?.Value}")) + ")";
}
