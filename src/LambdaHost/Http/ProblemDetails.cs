using System.Text.Json.Serialization;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// An RFC 9457 problem: <c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>, and the
/// extensions this API defines (<c>errors</c> for validation, <c>reason</c> and
/// <c>attemptsRemaining</c> for a rejected OTP).
/// </summary>
public sealed record ProblemDetails(string Type, string Title, int Status, string Detail)
{
    /// <summary>camelCase field name to its messages.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? AttemptsRemaining { get; init; }
}
