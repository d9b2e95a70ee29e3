using System.Globalization;
using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Guards;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>
/// Sliding-window counters in the guards table (decision 0019). A key is one item holding the
/// acquisition times of its longest window as a number set, and a version: an acquisition reads the
/// item (consistently), checks every limit on it and writes the set back on the condition that the
/// version is still the one read, so no two writers can both take the last place. Limits on different
/// keys are acquired one after the other and given back when a later one refuses: a limit is never
/// passed, and a refusal caused by a concurrent request that was itself refused later is the only
/// inexactness (it errs on refusing).
/// </summary>
/// <remarks>
/// A hot key (a global budget) is split into shards of at most <see cref="EntriesPerShard"/> places, whose
/// places add up to the limit exactly: the sum can never pass it. An acquisition reads two random
/// shards and takes room in one of them; only when both are full does it read all of them, and it is
/// refused only when every shard is full, i.e. when the budget is.
/// </remarks>
public sealed class DynamoDbRateLimiter : IRateLimiter
{
    public const int EntriesPerShard = 64;

    private const string Hits = "hits";
    private const string VersionAttribute = "ver";
    private const int MaxAttempts = 300;
    private const int SampledShards = 2;

    /// <summary>A lost race on a shard: waits within 5 ms doubling to 50 ms.</summary>
    private static readonly Backoff ContentionBackoff = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(50));

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;

    public DynamoDbRateLimiter(IAmazonDynamoDB client, DynamoDbTableNames tables)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tables);
        _client = client;
        _table = tables.Guards;
    }

    public async ValueTask<RateDecision> TryAcquireAsync(
        IReadOnlyList<RateLimit> limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var holds = new List<string>();
        try
        {
            foreach (var group in limits.GroupBy(l => l.Key, StringComparer.Ordinal))
            {
                var (hold, refusal) = await AcquireKeyAsync(group.Key, [.. group], now, cancellationToken);
                if (refusal is { } refused)
                {
                    await ReleaseHoldsAsync(holds, CancellationToken.None);
                    return RateDecision.Refuse(refused.Limit, refused.Wait);
                }

                holds.Add(hold!);
            }
        }
        catch
        {
            await ReleaseHoldsAsync(holds, CancellationToken.None);
            throw;
        }

        return RateDecision.Accept(new RateReservation(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), holds));
    }

    public ValueTask ReleaseAsync(RateReservation reservation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return ReleaseHoldsAsync(reservation.Holds, cancellationToken);
    }

    /// <summary>The shards of a key: one for an ordinary key; for a hot one enough to keep each small.</summary>
    internal static int ShardsOf(IReadOnlyList<RateLimit> limits) =>
        limits.Any(l => l.Hot) ? Math.Max(1, (limits.Max(l => l.Limit) + EntriesPerShard - 1) / EntriesPerShard) : 1;

    /// <summary>Shard <paramref name="shard"/>'s share of <paramref name="limit"/>; the shares add up to it exactly.</summary>
    internal static int ShareOf(int limit, int shard, int shards) => (limit / shards) + (shard < limit % shards ? 1 : 0);

    private async ValueTask<(string? Hold, (RateLimit Limit, TimeSpan Wait)? Refusal)> AcquireKeyAsync(
        string key, RateLimit[] limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shards = ShardsOf(limits);
        var longest = limits.Max(l => l.Window);
        var nowTicks = now.UtcTicks;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var candidates = shards == 1 ? [0] : Sample(shards, attempt == 1 ? SampledShards : shards);
            var items = await ReadAsync(key, shards, candidates, cancellationToken);
            var roomy = new List<(int Shard, Shard Item)>();
            (RateLimit Limit, TimeSpan Wait)? soonest = null;
            foreach (var shard in candidates)
            {
                var item = items[shard];
                var times = item.Times.Where(t => t > nowTicks - longest.Ticks).Order().ToList();
                (RateLimit Limit, TimeSpan Wait)? full = null;
                foreach (var limit in limits)
                {
                    var share = limit with { Limit = ShareOf(limit.Limit, shard, shards) };
                    if (SlidingWindows.Wait(share, times, nowTicks) is { } wait && (full is null || wait > full.Value.Wait))
                    {
                        full = (limit, wait);
                    }
                }

                if (full is null)
                {
                    roomy.Add((shard, item with { Times = times }));
                }
                else if (soonest is null || full.Value.Wait < soonest.Value.Wait)
                {
                    soonest = full;
                }
            }

            if (roomy.Count == 0)
            {
                if (candidates.Length == shards)
                {
                    return (null, soonest);
                }

                continue;
            }

            var (chosen, current) = roomy[Random.Shared.Next(roomy.Count)];
            var entry = UniqueEntry(current.Times, nowTicks);
            if (await TryWriteAsync(PkOf(key, chosen, shards), current, entry, now + longest, cancellationToken))
            {
                return (Hold(PkOf(key, chosen, shards), entry), null);
            }

            // Someone else wrote the shard since it was read: back off a little, read again.
            await ContentionBackoff.DelayAsync(attempt, TimeProvider.System, cancellationToken);
        }

        throw new InvalidOperationException($"The rate counter '{key}' stayed contended for {MaxAttempts} attempts.");
    }

    private static int[] Sample(int shards, int count)
    {
        var all = Enumerable.Range(0, shards).ToArray();
        Random.Shared.Shuffle(all);
        return all[..Math.Min(count, shards)];
    }

    /// <summary>A time in ticks that no other entry of the set holds (a set would merge two equal ones).</summary>
    private static long UniqueEntry(List<long> times, long nowTicks)
    {
        var entry = nowTicks;
        while (times.Contains(entry))
        {
            entry++;
        }

        return entry;
    }

    private static string PkOf(string key, int shard, int shards) =>
        shards == 1 ? "rate#" + key : $"rate#{key}#{shard.ToString(CultureInfo.InvariantCulture)}";

    private static string Hold(string pk, long entry) => pk + "\n" + entry.ToString(CultureInfo.InvariantCulture);

    private async Task<Dictionary<int, Shard>> ReadAsync(string key, int shards, int[] candidates, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, Shard>(candidates.Length);
        if (candidates.Length == 1)
        {
            var response = await _client.GetItemAsync(
                new GetItemRequest
                {
                    TableName = _table,
                    Key = KeyOf(PkOf(key, candidates[0], shards)),
                    ConsistentRead = true,
                },
                cancellationToken);
            result[candidates[0]] = Shard.From(response.Item);
            return result;
        }

        var byPk = candidates.ToDictionary(c => PkOf(key, c, shards), c => c, StringComparer.Ordinal);
        var request = new Dictionary<string, KeysAndAttributes>
        {
            [_table] = new KeysAndAttributes { Keys = [.. byPk.Keys.Select(KeyOf)], ConsistentRead = true },
        };
        while (request.Count > 0)
        {
            var response = await _client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = request }, cancellationToken);
            foreach (var item in response.Responses?.GetValueOrDefault(_table) ?? [])
            {
                result[byPk[item[GuardsTable.Pk].S]] = Shard.From(item);
            }

            request = response.UnprocessedKeys is { Count: > 0 } unprocessed && unprocessed.Values.Any(k => k.Keys.Count > 0) ? unprocessed : [];
        }

        foreach (var candidate in candidates)
        {
            result.TryAdd(candidate, Shard.Empty);
        }

        return result;
    }

    private async Task<bool> TryWriteAsync(string pk, Shard read, long entry, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var request = new UpdateItemRequest
        {
            TableName = _table,
            Key = KeyOf(pk),
            UpdateExpression = "SET #hits = :hits, #ver = :next, #ttl = :ttl",
            ExpressionAttributeNames = new() { ["#hits"] = Hits, ["#ver"] = VersionAttribute, ["#ttl"] = GuardsTable.Ttl },
            ExpressionAttributeValues = new()
            {
                [":hits"] = new AttributeValue { NS = [.. read.Times.Append(entry).Select(t => t.ToString(CultureInfo.InvariantCulture))] },
                [":next"] = new AttributeValue { N = (read.Version + 1).ToString(CultureInfo.InvariantCulture) },
                [":ttl"] = new AttributeValue { N = (expires.ToUnixTimeSeconds() + 60).ToString(CultureInfo.InvariantCulture) },
            },
        };
        if (read.Exists)
        {
            request.ConditionExpression = "#ver = :read";
            request.ExpressionAttributeValues[":read"] = new AttributeValue { N = read.Version.ToString(CultureInfo.InvariantCulture) };
        }
        else
        {
            request.ConditionExpression = "attribute_not_exists(#pk)";
            request.ExpressionAttributeNames["#pk"] = GuardsTable.Pk;
        }

        try
        {
            await _client.UpdateItemAsync(request, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async ValueTask ReleaseHoldsAsync(IReadOnlyList<string> holds, CancellationToken cancellationToken)
    {
        foreach (var hold in holds)
        {
            var newline = hold.IndexOf('\n', StringComparison.Ordinal);
            try
            {
                // Bumping the version makes a writer that read the entry before its removal write again.
                await _client.UpdateItemAsync(
                    new UpdateItemRequest
                    {
                        TableName = _table,
                        Key = KeyOf(hold[..newline]),
                        UpdateExpression = "DELETE #hits :entry ADD #ver :one",
                        ConditionExpression = "attribute_exists(#pk)",
                        ExpressionAttributeNames = new() { ["#hits"] = Hits, ["#ver"] = VersionAttribute, ["#pk"] = GuardsTable.Pk },
                        ExpressionAttributeValues = new()
                        {
                            [":entry"] = new AttributeValue { NS = [hold[(newline + 1)..]] },
                            [":one"] = new AttributeValue { N = "1" },
                        },
                    },
                    cancellationToken);
            }
            catch (ConditionalCheckFailedException)
            {
                // Gone already (expired and deleted): nothing to give back.
            }
        }
    }

    private static Dictionary<string, AttributeValue> KeyOf(string pk) => new() { [GuardsTable.Pk] = new AttributeValue { S = pk } };

    private sealed record Shard(bool Exists, long Version, List<long> Times)
    {
        public static readonly Shard Empty = new(false, 0, []);

        public static Shard From(Dictionary<string, AttributeValue>? item)
        {
            if (item is not { Count: > 0 })
            {
                return Empty;
            }

            var version = item.TryGetValue(VersionAttribute, out var v) && v.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;
            var times = item.TryGetValue(Hits, out var h) && h.NS is { } set
                ? set.Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToList()
                : [];
            return new Shard(true, version, times);
        }
    }
}
