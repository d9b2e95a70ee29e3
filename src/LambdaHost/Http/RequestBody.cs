using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using CleanCqrs.Domain.Common;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// The request body checks, in the contract's order: size and media type first (413, 415), then,
/// after authentication and authorisation, its encoding and JSON shape (400).
/// </summary>
public static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>Deep enough for any body of this API with room for ignored extras; deeper is refused.</summary>
    public const int MaxDepth = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// 413 for a body over 64 KiB, 415 for a content type other than JSON in UTF-8; null when both
    /// hold. A request with neither a body nor a content type has no media type to be wrong: it is
    /// left to be the 400 of an empty body.
    /// </summary>
    public static HttpResponseData? CheckSizeAndType(HttpRequestData request)
    {
        var length = DecodedLength(request);
        if (length > MaxBytes)
        {
            return Problems.PayloadTooLarge(MaxBytes);
        }

        var contentTypes = request.Headers.Count("content-type");
        if (contentTypes == 0 && length == 0)
        {
            return null;
        }

        return contentTypes == 1 && IsJson(request.Headers["content-type"])
            ? null
            : Problems.UnsupportedMediaType();
    }

    /// <summary>
    /// <c>application/json</c>, with no parameter other than <c>charset=utf-8</c>; names and values
    /// compare case-insensitively and the charset may be quoted.
    /// </summary>
    public static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var parts = contentType.Split(';');
        if (!parts[0].Trim().Equals(MediaTypes.Json, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var charsetSeen = false;
        foreach (var parameter in parts.AsSpan(1))
        {
            var trimmed = parameter.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || charsetSeen)
            {
                return false;
            }

            var name = trimmed[..equals].TrimEnd();
            var value = trimmed[(equals + 1)..].TrimStart();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            if (!name.Equals("charset", StringComparison.OrdinalIgnoreCase) || !value.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            charsetSeen = true;
        }

        return true;
    }

    /// <summary>
    /// Decodes the body and reads it as <typeparamref name="T"/>. Every way a client can get this
    /// wrong is a 400 naming the field (or <c>body</c>): empty, not base64, not UTF-8, not JSON,
    /// nested too deeply, not an object, or a field of the wrong JSON type. Unknown fields are
    /// ignored; missing and null fields are left to the request's validator.
    /// </summary>
    public static bool TryRead<T>(HttpRequestData request, JsonTypeInfo<T> typeInfo, out T value, out ValidationError problem)
        where T : class
    {
        value = null!;
        if (!TryDecode(request, out var bytes, out problem))
        {
            return false;
        }

        var json = bytes.AsMemory();
        if (json.Span.StartsWith(Encoding.UTF8.Preamble))
        {
            json = json[Encoding.UTF8.Preamble.Length..];
        }

        if (json.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            problem = ValidationError.For(ValidationError.BodyField, "must not be empty");
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            problem = ValidationError.For(ValidationError.BodyField, DescribeSyntaxError(json.Span, ex));
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = ValidationError.For(ValidationError.BodyField, "must be a JSON object");
                return false;
            }

            // Raw bytes are strict UTF-8 already; only a \u escape can spell a lone surrogate, in a value
            // or in a name (where reading it later would throw). Either is the client's 400.
            if (json.Span.IndexOf("\\u"u8) >= 0 && FindLoneSurrogate(root, null) is { } where)
            {
                problem = ValidationError.For(where, "must be valid Unicode text");
                return false;
            }

            try
            {
                value = root.Deserialize(typeInfo)!;
                return true;
            }
            catch (JsonException ex)
            {
                var field = FieldOf(ex.Path);
                problem = ValidationError.For(field, DescribeTypeError(root, field));
                return false;
            }
        }
    }

    private static bool TryDecode(HttpRequestData request, out byte[] bytes, out ValidationError problem)
    {
        problem = null!;
        var body = request.Body ?? string.Empty;
        if (request.IsBase64Encoded)
        {
            bytes = new byte[Math.Max(0, DecodedLength(request))];
            if (!Convert.TryFromBase64String(body, bytes, out var written))
            {
                problem = ValidationError.For(ValidationError.BodyField, "is marked base64 but is not valid base64");
                return false;
            }

            bytes = bytes[..written];
            if (!Utf8.IsValid(bytes))
            {
                problem = ValidationError.For(ValidationError.BodyField, "must be valid UTF-8 text");
                return false;
            }

            return true;
        }

        try
        {
            bytes = StrictUtf8.GetBytes(body);
            return true;
        }
        catch (EncoderFallbackException)
        {
            bytes = [];
            problem = ValidationError.For(ValidationError.BodyField, "must be valid UTF-8 text");
            return false;
        }
    }

    /// <summary>The body's length in bytes once decoded, without decoding it.</summary>
    private static long DecodedLength(HttpRequestData request)
    {
        var body = request.Body;
        if (string.IsNullOrEmpty(body))
        {
            return 0;
        }

        if (!request.IsBase64Encoded)
        {
            return Encoding.UTF8.GetByteCount(body);
        }

        var padding = body.EndsWith("==", StringComparison.Ordinal) ? 2 : body.EndsWith('=') ? 1 : 0;
        return ((body.Length + 3L) / 4 * 3) - padding;
    }

    private static string DescribeSyntaxError(ReadOnlySpan<byte> json, JsonException ex)
    {
        var position = $"line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}";
        // Told apart by a second, depth-unlimited read, only on this error path.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxBytes + 1 });
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            return $"is not valid JSON ({position})";
        }

        return $"is nested more than {MaxDepth} levels deep ({position})";
    }

    /// <summary>The top-level field (or <c>body</c>) under which a name or string holds a lone surrogate; null when none does.</summary>
    private static string? FindLoneSurrogate(JsonElement element, string? field)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return field ?? ValidationError.BodyField;
                    }

                    if (FindLoneSurrogate(property.Value, field ?? name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (FindLoneSurrogate(item, field) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return field ?? ValidationError.BodyField;
                }

            default:
                return null;
        }
    }

    // Every field of this API's request bodies is a string.
    private static string DescribeTypeError(JsonElement root, string field) =>
        root.TryGetProperty(field, out var element) switch
        {
            true when element.ValueKind == JsonValueKind.String => "must be valid Unicode text",
            true => $"must be a string, not {KindName(element.ValueKind)}",
            false => "has the wrong type",
        };

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "another JSON type",
    };

    /// <summary>The top-level field a <see cref="JsonException.Path"/> points into: <c>$.name</c> and <c>$['name']</c> are <c>name</c>.</summary>
    public static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return ValidationError.BodyField;
        }

        var rest = path.AsSpan(1);
        if (rest.StartsWith("['"))
        {
            var end = rest.IndexOf("']", StringComparison.Ordinal);
            return end > 2 ? rest[2..end].ToString() : ValidationError.BodyField;
        }

        if (rest.StartsWith("."))
        {
            rest = rest[1..];
            var end = rest.IndexOfAny('.', '[');
            return (end < 0 ? rest : rest[..end]).ToString();
        }

        return ValidationError.BodyField;
    }
}
