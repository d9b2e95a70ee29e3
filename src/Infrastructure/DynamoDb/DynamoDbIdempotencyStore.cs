using System.Globalization;
using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>
/// Idempotency records in the guards table (<c>idem#…</c>, decision 0021). A claim is one conditional
/// <c>PutItem</c> that only succeeds when the key holds nothing live, so of two concurrent requests with
/// one key exactly one claims it; the other reads the record. DynamoDB's TTL removes old items.
/// </summary>
public sealed class DynamoDbIdempotencyStore : IIdempotencyStore
{
    private const string Fingerprint = "fp";
    private const string Claim = "claim";
    private const string LeaseUntil = "lease";
    private const string ExpiresAt = "exp";
    private const string Status = "status";
    private const string ContentType = "ct";
    private const string Body = "body";
    private const string ETag = "etag";
    private const string Location = "loc";
    private const string RetryAfter = "ra";
    private const int MaxAttempts = 10;

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;

    public DynamoDbIdempotencyStore(IAmazonDynamoDB client, DynamoDbTableNames tables)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tables);
        _client = client;
        _table = tables.Guards;
    }

    public async ValueTask<IdempotencyClaim> TryClaimAsync(
        string key, string fingerprint, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var claim = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var leaseUntil = now + lease;
            try
            {
                await _client.PutItemAsync(
                    new PutItemRequest
                    {
                        TableName = _table,
                        Item = new()
                        {
                            [GuardsTable.Pk] = S(PkOf(key)),
                            [Fingerprint] = S(fingerprint),
                            [Claim] = S(claim),
                            [LeaseUntil] = N(leaseUntil.UtcTicks),
                            [ExpiresAt] = N(leaseUntil.UtcTicks),
                            [GuardsTable.Ttl] = N(leaseUntil.ToUnixTimeSeconds() + 60),
                        },
                        // Free: absent, expired, or in progress under a lease that ran out (its request died).
                        ConditionExpression = "attribute_not_exists(#pk) OR #exp <= :now OR (attribute_not_exists(#status) AND #lease <= :now)",
                        ExpressionAttributeNames = new()
                        {
                            ["#pk"] = GuardsTable.Pk, ["#exp"] = ExpiresAt, ["#status"] = Status, ["#lease"] = LeaseUntil,
                        },
                        ExpressionAttributeValues = new() { [":now"] = N(now.UtcTicks) },
                    },
                    cancellationToken);
                return new IdempotencyClaim(claim, null);
            }
            catch (ConditionalCheckFailedException)
            {
                var existing = await _client.GetItemAsync(
                    new GetItemRequest { TableName = _table, Key = KeyOf(key), ConsistentRead = true }, cancellationToken);
                if (Live(existing.Item, now) is { } record)
                {
                    return new IdempotencyClaim(null, record);
                }

                // It stopped being live between the put and the read (released or expired): claim again.
            }
        }

        throw new InvalidOperationException($"The idempotency key stayed contended for {MaxAttempts} attempts.");
    }

    public async ValueTask CompleteAsync(
        string key, string claimId, IdempotentResponse response, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var names = new Dictionary<string, string>
        {
            ["#status"] = Status, ["#exp"] = ExpiresAt, ["#ttl"] = GuardsTable.Ttl, ["#claim"] = Claim,
        };
        var values = new Dictionary<string, AttributeValue>
        {
            [":status"] = N(response.StatusCode),
            [":exp"] = N(expiresAt.UtcTicks),
            [":ttl"] = N(expiresAt.ToUnixTimeSeconds() + 60),
            [":claim"] = S(claimId),
        };
        var sets = new List<string> { "#status = :status", "#exp = :exp", "#ttl = :ttl" };
        void Optional(string attribute, string placeholder, AttributeValue? value)
        {
            if (value is null)
            {
                return;
            }

            names["#" + placeholder] = attribute;
            values[":" + placeholder] = value;
            sets.Add($"#{placeholder} = :{placeholder}");
        }

        Optional(ContentType, "ct", response.ContentType is null ? null : S(response.ContentType));
        Optional(Body, "body", response.Body.Length == 0 ? null : new AttributeValue { B = new MemoryStream(response.Body) });
        Optional(ETag, "etag", response.ETag is null ? null : S(response.ETag));
        Optional(Location, "loc", response.Location is null ? null : S(response.Location));
        Optional(RetryAfter, "ra", response.RetryAfter is null ? null : S(response.RetryAfter));
        try
        {
            await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = KeyOf(key),
                    UpdateExpression = "SET " + string.Join(", ", sets),
                    ConditionExpression = "#claim = :claim AND attribute_not_exists(#status)",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
                cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // The claim was taken over after its lease ran out: the later request's response stands.
        }
    }

    public async ValueTask ReleaseAsync(string key, string claimId, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteItemAsync(
                new DeleteItemRequest
                {
                    TableName = _table,
                    Key = KeyOf(key),
                    ConditionExpression = "#claim = :claim AND attribute_not_exists(#status)",
                    ExpressionAttributeNames = new() { ["#claim"] = Claim, ["#status"] = Status },
                    ExpressionAttributeValues = new() { [":claim"] = S(claimId) },
                },
                cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Not ours any more.
        }
    }

    private static IdempotencyRecord? Live(Dictionary<string, AttributeValue>? item, DateTimeOffset now)
    {
        if (item is not { Count: > 0 } || Ticks(item, ExpiresAt) <= now.UtcTicks)
        {
            return null;
        }

        var fingerprint = item[Fingerprint].S;
        if (!item.TryGetValue(Status, out var status) || status.N is null)
        {
            var leaseUntil = Ticks(item, LeaseUntil);
            return leaseUntil > now.UtcTicks ? new IdempotencyRecord(fingerprint, null, new DateTimeOffset(leaseUntil, TimeSpan.Zero)) : null;
        }

        return new IdempotencyRecord(
            fingerprint,
            new IdempotentResponse(
                int.Parse(status.N, CultureInfo.InvariantCulture),
                Text(item, ContentType),
                item.TryGetValue(Body, out var body) && body.B is { } bytes ? bytes.ToArray() : [],
                Text(item, ETag),
                Text(item, Location),
                Text(item, RetryAfter)),
            DateTimeOffset.MinValue);
    }

    private static long Ticks(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;

    private static string? Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static string PkOf(string key) => "idem#" + key;

    private static Dictionary<string, AttributeValue> KeyOf(string key) => new() { [GuardsTable.Pk] = S(PkOf(key)) };

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
