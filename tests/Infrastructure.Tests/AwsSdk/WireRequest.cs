using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace CleanCqrs.Infrastructure.Tests.AwsSdk;

/// <summary>
/// An AWS API request reduced to what the service reads: method, path, media type, charset, the
/// <c>X-Amz-Target</c> header, and the parameters (Query protocol form fields, decoded, or the JSON
/// body). Signatures, dates, user agents, hosts and lengths are left out: they differ by design.
/// </summary>
internal sealed record WireRequest(
    string Method,
    string Path,
    string? MediaType,
    string? Charset,
    string? Target,
    IReadOnlyList<KeyValuePair<string, string>>? Form,
    JsonNode? Json)
{
    public static WireRequest Parse(string method, string path, string? contentType, string? target, string body)
    {
        var type = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        var mediaType = type?.MediaType?.ToLowerInvariant();
        return new WireRequest(
            method.ToUpperInvariant(),
            path,
            mediaType,
            type?.CharSet?.Trim('"').ToLowerInvariant(),
            target,
            mediaType == "application/x-www-form-urlencoded" ? DecodeForm(body) : null,
            mediaType is not null && mediaType.StartsWith("application/x-amz-json", StringComparison.Ordinal) ? JsonNode.Parse(body) : null);
    }

    /// <summary>
    /// Everything in which <paramref name="ours"/> differs from what the AWS SDK built; empty when they
    /// agree. A charset on ours is allowed only if it is UTF-8, the encoding both bodies are in.
    /// </summary>
    public static IReadOnlyList<string> Differences(WireRequest ours, WireRequest sdk)
    {
        var differences = new List<string>();
        Compare("method", ours.Method, sdk.Method);
        Compare("path", ours.Path, sdk.Path);
        Compare("media type", ours.MediaType, sdk.MediaType);
        Compare("X-Amz-Target", ours.Target, sdk.Target);
        if (ours.Charset is not null && ours.Charset != "utf-8")
        {
            differences.Add($"charset: ours declares '{ours.Charset}', the bodies are UTF-8");
        }

        if (ours.Form is not null || sdk.Form is not null)
        {
            CompareForms(ours.Form ?? [], sdk.Form ?? [], differences);
        }

        if (ours.Json is not null || sdk.Json is not null)
        {
            CompareJson("$", ours.Json, sdk.Json, differences);
        }

        return differences;

        void Compare(string what, string? mine, string? theirs)
        {
            if (!string.Equals(mine, theirs, StringComparison.Ordinal))
            {
                differences.Add($"{what}: ours '{mine}', the AWS SDK's '{theirs}'");
            }
        }
    }

    private static void CompareForms(
        IReadOnlyList<KeyValuePair<string, string>> ours,
        IReadOnlyList<KeyValuePair<string, string>> sdk,
        List<string> differences)
    {
        foreach (var group in ours.Concat(sdk).GroupBy(kv => kv.Key).Where(g => ours.Count(kv => kv.Key == g.Key) > 1 || sdk.Count(kv => kv.Key == g.Key) > 1))
        {
            differences.Add($"form field {group.Key} appears more than once");
        }

        var mine = ours.GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        var theirs = sdk.GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        foreach (var (name, value) in theirs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!mine.TryGetValue(name, out var ourValue))
            {
                differences.Add($"form field {name} is missing from ours (the AWS SDK sends '{value}')");
            }
            else if (ourValue != value)
            {
                differences.Add($"form field {name}: ours '{ourValue}', the AWS SDK's '{value}'");
            }
        }

        foreach (var name in mine.Keys.Where(k => !theirs.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal))
        {
            differences.Add($"form field {name} is ours only (the AWS SDK does not send it)");
        }
    }

    private static void CompareJson(string path, JsonNode? ours, JsonNode? sdk, List<string> differences)
    {
        if (ours is JsonObject mine && sdk is JsonObject theirs)
        {
            foreach (var (name, value) in theirs)
            {
                if (!mine.ContainsKey(name))
                {
                    differences.Add($"JSON member {path}.{name} is missing from ours (the AWS SDK sends {value?.ToJsonString()})");
                }
                else
                {
                    CompareJson($"{path}.{name}", mine[name], value, differences);
                }
            }

            foreach (var (name, value) in mine.Where(kv => !theirs.ContainsKey(kv.Key)))
            {
                differences.Add($"JSON member {path}.{name} is ours only ({value?.ToJsonString()})");
            }
        }
        else if (!JsonNode.DeepEquals(ours, sdk))
        {
            differences.Add($"JSON {path}: ours {ours?.ToJsonString() ?? "absent"}, the AWS SDK's {sdk?.ToJsonString() ?? "absent"}");
        }
    }

    /// <summary>application/x-www-form-urlencoded, in wire order.</summary>
    private static List<KeyValuePair<string, string>> DecodeForm(string body) =>
        body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => new KeyValuePair<string, string>(Decode(kv[0]), kv.Length > 1 ? Decode(kv[1]) : string.Empty))
            .ToList();

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
