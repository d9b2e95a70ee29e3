using System.Text.Json.Serialization;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Domain.Orgs;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>
/// Source-generated JSON for everything the infrastructure stores or sends: events, snapshots, read
/// models and the wire envelope. camelCase, no reflection (Native AOT).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = false)]
[JsonSerializable(typeof(OrgCreated))]
[JsonSerializable(typeof(OrgUpdated))]
[JsonSerializable(typeof(OtpIssued))]
[JsonSerializable(typeof(OtpCodeRejected))]
[JsonSerializable(typeof(OtpVerified))]
[JsonSerializable(typeof(OrgState))]
[JsonSerializable(typeof(OtpState))]
[JsonSerializable(typeof(OrgReadModel))]
[JsonSerializable(typeof(WireEnvelope))]
[JsonSerializable(typeof(WireMetadata))]
internal sealed partial class InfrastructureJsonContext : JsonSerializerContext;
