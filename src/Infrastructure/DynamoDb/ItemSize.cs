using System.Text;
using Amazon.DynamoDBv2.Model;

namespace CleanCqrs.Infrastructure.DynamoDb;

/// <summary>
/// DynamoDB's item size as the service computes it (attribute names and values, UTF-8), rounded up
/// where the rules are approximate, so a guarded write never meets the service's own limit.
/// </summary>
internal static class ItemSize
{
    /// <summary>400 KB: "The maximum item size in DynamoDB is 400 KB", names included.</summary>
    public const int Limit = 400 * 1024;

    public static int Of(Dictionary<string, AttributeValue> item) =>
        item.Sum(pair => Encoding.UTF8.GetByteCount(pair.Key) + Of(pair.Value));

    /// <summary>Throws <see cref="DynamoDbItemTooLargeException"/> when <paramref name="item"/> is over the limit.</summary>
    public static void Guard(Dictionary<string, AttributeValue> item, string what)
    {
        var size = Of(item);
        if (size > Limit)
        {
            throw new DynamoDbItemTooLargeException(what, size, Limit);
        }
    }

    private static int Of(AttributeValue value)
    {
        if (value.S is { } s)
        {
            return Encoding.UTF8.GetByteCount(s);
        }

        if (value.N is { } n)
        {
            // One byte per two significant digits plus one; counting every character over-estimates.
            return (n.Length + 1) / 2 + 2;
        }

        if (value.B is { } b)
        {
            return (int)b.Length;
        }

        if (value.L is { } list)
        {
            return 3 + list.Sum(element => 1 + Of(element));
        }

        if (value.M is { } map)
        {
            return 3 + map.Sum(pair => 1 + Encoding.UTF8.GetByteCount(pair.Key) + Of(pair.Value));
        }

        if (value.SS is { } strings)
        {
            return strings.Sum(Encoding.UTF8.GetByteCount);
        }

        if (value.NS is { } numbers)
        {
            return numbers.Sum(number => (number.Length + 1) / 2 + 2);
        }

        return value.BS is { } binaries ? binaries.Sum(binary => (int)binary.Length) : 1;
    }
}

/// <summary>
/// A write that would exceed DynamoDB's 400 KB item limit; it is refused before it is sent, so nothing
/// is stored.
/// </summary>
public sealed class DynamoDbItemTooLargeException(string what, int size, int limit)
    : Exception($"{what} would be a DynamoDB item of {size} bytes, over the {limit}-byte (400 KB) item limit; nothing was stored.")
{
    public int Size { get; } = size;

    public int Limit { get; } = limit;
}
