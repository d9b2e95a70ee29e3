using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace CleanCqrs.LambdaHost.Tests.Deploy;

/// <summary>
/// The CloudFormation resource schemas and CloudWatch metric catalogue as AWS publishes them, read from
/// the database that npm <c>@aws-cdk/aws-service-spec</c> ships (pinned in tools/cfn-schema): every
/// resource type with its properties (types, required flags, nested property types) and its
/// <c>Fn::GetAtt</c> attributes, and every AWS/* metric with its dimension sets.
/// </summary>
internal sealed class CloudFormationSchemas
{
    private static readonly Lazy<CloudFormationSchemas> Shared = new(Load);

    private readonly Dictionary<string, ResourceSchema> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TypeSchema> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Name), List<HashSet<string>>> _metrics = [];

    public static CloudFormationSchemas Instance => Shared.Value;

    public static string DatabasePath =>
        RepositoryFiles.PathOf("tools/cfn-schema/node_modules/@aws-cdk/aws-service-spec/db.json.gz");

    public ResourceSchema? Resource(string type) => _resources.GetValueOrDefault(type);

    public TypeSchema Type(string id) => _types[id];

    /// <summary>The dimension sets AWS documents for a metric, or null when it documents no such metric.</summary>
    public IReadOnlyList<HashSet<string>>? Metric(string metricNamespace, string name) =>
        _metrics.GetValueOrDefault((metricNamespace, name));

    private static CloudFormationSchemas Load()
    {
        if (!File.Exists(DatabasePath))
        {
            throw new InvalidOperationException($"The CloudFormation schemas are not installed ({DatabasePath}): run `npm ci` in tools/cfn-schema (./test.sh does).");
        }

        using var file = File.OpenRead(DatabasePath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var document = JsonDocument.Parse(gzip, new JsonDocumentOptions { MaxDepth = 256 });
        var schema = document.RootElement.GetProperty("schema");
        var result = new CloudFormationSchemas();

        foreach (var entity in Entities(schema, "resource"))
        {
            var type = entity.GetProperty("cloudFormationType").GetString()!;
            result._resources[type] = new ResourceSchema(
                type,
                Properties(entity),
                entity.TryGetProperty("attributes", out var attributes)
                    ? attributes.EnumerateObject().Select(a => a.Name).ToHashSet(StringComparer.Ordinal)
                    : []);
        }

        foreach (var entity in Entities(schema, "typeDefinition"))
        {
            var id = entity.GetProperty("$id").GetString()!;
            result._types[id] = new TypeSchema(entity.GetProperty("name").GetString()!, Properties(entity));
        }

        var dimensionSets = Entities(schema, "dimensionSet").ToDictionary(
            e => e.GetProperty("$id").GetString()!,
            e => e.GetProperty("dimensions").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        var usesDimensionSet = schema.GetProperty("usesDimensionSet").GetProperty("forward");
        foreach (var entity in Entities(schema, "metric"))
        {
            var key = (entity.GetProperty("namespace").GetString()!, entity.GetProperty("name").GetString()!);
            var sets = usesDimensionSet.TryGetProperty(entity.GetProperty("$id").GetString()!, out var links)
                ? links.EnumerateArray().Select(l => dimensionSets[l.GetProperty("$id").GetString()!]).ToList()
                : [];
            if (!result._metrics.TryGetValue(key, out var known))
            {
                result._metrics[key] = known = [];
            }

            known.AddRange(sets);
        }

        return result;
    }

    private static IEnumerable<JsonElement> Entities(JsonElement schema, string name) =>
        schema.GetProperty(name).GetProperty("entities").EnumerateArray();

    private static Dictionary<string, PropertySchema> Properties(JsonElement entity) =>
        entity.TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().ToDictionary(
                p => p.Name,
                p => new PropertySchema(
                    ValueType.From(p.Value.GetProperty("type")),
                    p.Value.TryGetProperty("required", out var required) && required.GetBoolean()),
                StringComparer.Ordinal)
            : [];
}

internal sealed record ResourceSchema(string Type, Dictionary<string, PropertySchema> Properties, HashSet<string> Attributes);

internal sealed record TypeSchema(string Name, Dictionary<string, PropertySchema> Properties);

internal sealed record PropertySchema(ValueType Type, bool Required);

/// <summary>A property's type: a primitive, a reference to a nested property type, a list, a map, JSON, a tag or a union.</summary>
internal sealed record ValueType(string Kind, string? Reference, ValueType? Element, IReadOnlyList<ValueType> Alternatives)
{
    public static ValueType From(JsonElement type)
    {
        var kind = type.GetProperty("type").GetString()!;
        return kind switch
        {
            "ref" => new ValueType(kind, type.GetProperty("reference").GetProperty("$ref").GetString(), null, []),
            "array" or "map" => new ValueType(kind, null, From(type.GetProperty("element")), []),
            "union" => new ValueType(kind, null, null, type.GetProperty("types").EnumerateArray().Select(From).ToList()),
            _ => new ValueType(kind, null, null, []),
        };
    }

    public override string ToString() => Kind switch
    {
        "array" or "map" => string.Create(CultureInfo.InvariantCulture, $"{Kind} of {Element}"),
        "union" => string.Join(" | ", Alternatives),
        _ => Kind,
    };
}
