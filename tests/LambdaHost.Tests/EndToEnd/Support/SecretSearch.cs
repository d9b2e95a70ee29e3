using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

/// <summary>
/// Looks for an OTP code as ASCII text in bytes or text. A hit must stand alone: a code inside a
/// longer run of digits (a phone number, a timestamp) is a number that happens to contain it, not it.
/// </summary>
public static class SecretSearch
{
    public static bool Contains(ReadOnlySpan<byte> haystack, string code)
    {
        var needle = Encoding.ASCII.GetBytes(code);
        var from = 0;
        while (from <= haystack.Length - needle.Length)
        {
            var at = haystack[from..].IndexOf(needle);
            if (at < 0)
            {
                return false;
            }

            var start = from + at;
            var end = start + needle.Length;
            if ((start == 0 || !IsDigit(haystack[start - 1])) && (end == haystack.Length || !IsDigit(haystack[end])))
            {
                return true;
            }

            from = start + 1;
        }

        return false;
    }

    public static bool Contains(string haystack, string code) => Contains(Encoding.UTF8.GetBytes(haystack), code);

    /// <summary>Every item of <paramref name="table"/> as text: names and values of all attributes, binaries as their raw bytes.</summary>
    public static async Task<string> DumpTableAsync(IAmazonDynamoDB client, string table)
    {
        var text = new StringBuilder();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await client.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = start });
            foreach (var item in page.Items)
            {
                foreach (var (name, value) in item)
                {
                    Append(text.Append(' ').Append(name).Append('='), value);
                }

                text.Append('\n');
            }

            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return text.ToString();
    }

    private static void Append(StringBuilder text, AttributeValue value)
    {
        if (value.S is not null)
        {
            text.Append(value.S);
        }

        if (value.N is not null)
        {
            text.Append(value.N);
        }

        if (value.B is not null)
        {
            text.Append(Encoding.Latin1.GetString(value.B.ToArray()));
        }

        foreach (var s in value.SS ?? [])
        {
            text.Append(s).Append(' ');
        }

        foreach (var n in value.NS ?? [])
        {
            text.Append(n).Append(' ');
        }

        foreach (var element in value.L ?? [])
        {
            Append(text.Append(' '), element);
        }

        foreach (var (name, member) in value.M ?? [])
        {
            Append(text.Append(' ').Append(name).Append('='), member);
        }
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
