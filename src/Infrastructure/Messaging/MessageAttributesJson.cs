using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CleanCqrs.Infrastructure.Messaging;

/// <summary>Message attributes as a flat JSON object of strings (written by hand: no reflection, AOT).</summary>
internal static class MessageAttributesJson
{
    public static string Serialize(IReadOnlyDictionary<string, string> attributes)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IReadOnlyDictionary<string, string> Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            attributes[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        return attributes;
    }
}
