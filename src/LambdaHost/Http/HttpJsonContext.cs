using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CleanCqrs.Application.Orgs.Commands;
using CleanCqrs.Application.Orgs.Queries.GetOrg;
using CleanCqrs.Application.Otps.Commands.RequestOtp;
using CleanCqrs.Application.Otps.Commands.VerifyOtp;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>Body of <c>POST /otp</c>.</summary>
public sealed record OtpRequestBody(string? Primary, string? Role, string? Country);

/// <summary>Body of <c>POST /otp/verify</c> and <c>POST /authenticate</c>.</summary>
public sealed record OtpVerifyBody(string? Primary, string? Role, string? Country, string? OtpId, string? Code);

/// <summary>Body of <c>POST /orgs</c> and <c>PUT /orgs/{id}</c>.</summary>
public sealed record OrgBody(string? Name, string? Location, string? Description);

/// <summary>The 202 of <c>GET /orgs/{id}?minVersion=N</c> while the read model is behind.</summary>
public sealed record OrgBehind(long Version, long MinVersion);

/// <summary>
/// Request and response bodies of the HTTP API, camelCase, source-generated (Native AOT). The
/// application's results (<see cref="OtpRequested"/>, <see cref="TokenGranted"/>,
/// <see cref="OrgWritten"/>, <see cref="OrgDto"/>) already have the contract's shape, so they are
/// written as they are; request bodies get their own records so that no command member (such as
/// the caller) can ever be bound from client JSON.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(UtcTimestampConverter)],
    WriteIndented = false)]
[JsonSerializable(typeof(OtpRequestBody))]
[JsonSerializable(typeof(OtpVerifyBody))]
[JsonSerializable(typeof(OrgBody))]
[JsonSerializable(typeof(OtpRequested))]
[JsonSerializable(typeof(TokenGranted))]
[JsonSerializable(typeof(OrgWritten))]
[JsonSerializable(typeof(OrgDto))]
[JsonSerializable(typeof(OrgBehind))]
[JsonSerializable(typeof(ProblemDetails))]
public sealed partial class HttpJsonContext : JsonSerializerContext;

/// <summary>The HTTP API's JSON: <see cref="HttpJsonContext"/> with text written as it is.</summary>
public static class HttpJson
{
    /// <summary>
    /// Org names in Thai, Japanese or Korean go out readable rather than as <c>\uXXXX</c> runs. The
    /// relaxed encoder only skips the escaping that matters when JSON is pasted into HTML; these
    /// bodies are only ever served as <c>application/json</c>.
    /// </summary>
    public static HttpJsonContext Context { get; } = new(
        new JsonSerializerOptions(HttpJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

/// <summary>Times go out in UTC with a <c>Z</c> (ISO 8601), whatever offset they were computed with.</summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime);
}
