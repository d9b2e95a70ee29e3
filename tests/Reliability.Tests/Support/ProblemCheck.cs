using System.Text.Json;
using System.Text.Json.Nodes;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>The contract every error reply keeps (SPEC section 2), checked without NUnit so a property loop can report the case.</summary>
public static class ProblemCheck
{
    public const string MediaType = "application/problem+json";

    /// <summary>Null when <paramref name="response"/> is a well-formed RFC 9457 problem of its own status; otherwise what is wrong.</summary>
    public static string? Violation(ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Header("Content-Type") is not { } contentType || !contentType.StartsWith(MediaType, StringComparison.Ordinal))
        {
            return $"content type is '{response.Header("Content-Type")}', not {MediaType}";
        }

        JsonObject problem;
        try
        {
            problem = response.Json as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException ex)
        {
            return $"the body is not a JSON object ({ex.Message})";
        }

        foreach (var member in new[] { "type", "title", "detail" })
        {
            if (problem[member] is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length == 0)
            {
                return $"'{member}' is missing or not a non-empty string";
            }
        }

        if (problem["status"] is not JsonValue status || status.GetValueKind() != JsonValueKind.Number || status.GetValue<int>() != response.Status)
        {
            return $"'status' is {problem["status"]?.ToJsonString() ?? "missing"}, not {response.Status}";
        }

        return null;
    }
}
