using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>Side-effect claims in the guards table (<c>effect#…</c>): one conditional put per claim.</summary>
public sealed class DynamoDbEffectClaims : IEffectClaims
{
    private const string KeepUntil = "keep";

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;

    public DynamoDbEffectClaims(IAmazonDynamoDB client, DynamoDbTableNames tables)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tables);
        _client = client;
        _table = tables.Guards;
    }

    public async ValueTask<bool> TryClaimAsync(
        string effect, string eventId, DateTimeOffset now, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(effect);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        try
        {
            await _client.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = new()
                    {
                        [GuardsTable.Pk] = new AttributeValue { S = PkOf(effect, eventId) },
                        [KeepUntil] = new AttributeValue { N = keepUntil.UtcTicks.ToString(CultureInfo.InvariantCulture) },
                        [GuardsTable.Ttl] = new AttributeValue { N = (keepUntil.ToUnixTimeSeconds() + 60).ToString(CultureInfo.InvariantCulture) },
                    },
                    ConditionExpression = "attribute_not_exists(#pk) OR #keep <= :now",
                    ExpressionAttributeNames = new() { ["#pk"] = GuardsTable.Pk, ["#keep"] = KeepUntil },
                    ExpressionAttributeValues = new() { [":now"] = new AttributeValue { N = now.UtcTicks.ToString(CultureInfo.InvariantCulture) } },
                },
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async ValueTask ReleaseAsync(string effect, string eventId, CancellationToken cancellationToken) =>
        await _client.DeleteItemAsync(
            new DeleteItemRequest
            {
                TableName = _table,
                Key = new() { [GuardsTable.Pk] = new AttributeValue { S = PkOf(effect, eventId) } },
            },
            cancellationToken);

    private static string PkOf(string effect, string eventId) => $"effect#{effect}#{eventId}";
}
