using System.Text;
using System.Text.Json.Nodes;

namespace CleanCqrs.Bench.Capacity;

/// <summary>
/// DynamoDB's item size from an item in the wire format (<c>{"name": {"S": "…"}}</c>), by AWS's published
/// rules: attribute names and string values in UTF-8 bytes; a number about one byte per two significant
/// digits plus one; a list or map 3 bytes plus one byte per element plus its elements (map keys included).
/// </summary>
public static class ItemSizes
{
    public static int Of(JsonObject item) => item.Sum(pair => Encoding.UTF8.GetByteCount(pair.Key) + OfValue(pair.Value as JsonObject));

    /// <summary>The attributes <paramref name="names"/> of the item only (what a keys-only index entry holds).</summary>
    public static int Of(JsonObject item, IEnumerable<string> names) =>
        names.Where(item.ContainsKey).Sum(name => Encoding.UTF8.GetByteCount(name) + OfValue(item[name] as JsonObject));

    /// <summary>Write units: one per 1 KB, rounded up.</summary>
    public static int WriteUnits(int size) => Math.Max(1, (size + 1023) / 1024);

    private static int OfValue(JsonObject? value)
    {
        if (value is null || value.Count == 0)
        {
            return 0;
        }

        var (type, content) = value.First();
        switch (type)
        {
            case "S":
                return Encoding.UTF8.GetByteCount((string)content!);
            case "N":
                var digits = ((string)content!).TrimStart('-').Replace(".", string.Empty, StringComparison.Ordinal).Trim('0');
                return Math.Max(1, (digits.Length + 1) / 2 + 1);
            case "L":
                return 3 + content!.AsArray().Sum(element => 1 + OfValue(element as JsonObject));
            case "M":
                return 3 + content!.AsObject().Sum(pair => 1 + Encoding.UTF8.GetByteCount(pair.Key) + OfValue(pair.Value as JsonObject));
            case "BOOL":
            case "NULL":
                return 1;
            default:
                return Encoding.UTF8.GetByteCount(content!.ToJsonString());
        }
    }
}
