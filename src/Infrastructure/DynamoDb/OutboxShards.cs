using System.Globalization;
using System.Text;
using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>
/// How many partition key values the outbox index spreads pending commits over (<c>OUTBOX_SHARDS</c>,
/// default 16). A stream always lands on the same shard (a stable hash of its id), so one stream's
/// pending commits stay in one index partition, in version order.
/// </summary>
/// <remarks>
/// Each shard value is one index partition, and a partition takes about 1,000 write units per second;
/// every command writes the index twice (the commit enters it, the publish removes it). More shards
/// cost the sweeper one more small Query each per sweep and nothing else.
/// </remarks>
public sealed record OutboxShards
{
    public const string Setting = "OUTBOX_SHARDS";
    public const int DefaultCount = 16;

    /// <summary>
    /// The largest allowed count. The sweeper also looks, in rotation, at the shards between the
    /// configured count and this one, so lowering the setting never strands a commit written before.
    /// </summary>
    public const int MaxCount = 64;

    public OutboxShards(int count)
    {
        if (count is < 1 or > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, Rule(count.ToString(CultureInfo.InvariantCulture)));
        }

        Count = count;
    }

    public static OutboxShards Default { get; } = new(DefaultCount);

    public int Count { get; }

    /// <summary>Throws <see cref="SettingsException"/> naming <c>OUTBOX_SHARDS</c> when it is not a whole number from 1 to 64.</summary>
    public static OutboxShards FromEnvironment(Func<string, string?>? read = null)
    {
        return new OutboxShards(new SettingsReader(read).WholeNumber(Setting, DefaultCount, min: 1, max: MaxCount));
    }

    /// <summary>The shard of a stream: FNV-1a (32 bit) of its UTF-8 id, modulo the count. Never changes for a given count.</summary>
    public int Of(string streamId) => (int)(Hash(streamId) % (uint)Count);

    /// <summary>The value of the index's partition key for a stream.</summary>
    public string KeyOf(string streamId) => Key(Of(streamId));

    public static string Key(int shard) => shard.ToString(CultureInfo.InvariantCulture);

    internal static uint Hash(string streamId)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        const uint offsetBasis = 2166136261;
        const uint prime = 16777619;
        var hash = offsetBasis;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(streamId) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(streamId, buffer)]
            : Encoding.UTF8.GetBytes(streamId);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * prime;
        }

        return hash;
    }

    private static string Rule(string? raw) => $"must be a whole number from 1 to {MaxCount}, not '{raw}'";
}
