using YamlDotNet.RepresentationModel;

namespace CleanCqrs.LambdaHost.Tests.Deploy;

/// <summary>
/// A CloudFormation template read as plain data: mappings become dictionaries, sequences lists and
/// scalars strings. Intrinsics stay as written (long form), e.g. <c>{ "Ref": "EventsTopic" }</c>.
/// </summary>
internal sealed class CloudFormationTemplate
{
    private CloudFormationTemplate(Dictionary<string, object?> root)
    {
        Root = root;
        Parameters = Cfn.Map(root.GetValueOrDefault("Parameters")) ?? [];
        Resources = (Cfn.Map(root["Resources"]) ?? []).ToDictionary(
            r => r.Key,
            r =>
            {
                var body = Cfn.Map(r.Value)!;
                return new Resource(r.Key, (string)body["Type"]!, Cfn.Map(body.GetValueOrDefault("Properties")) ?? []);
            },
            StringComparer.Ordinal);
    }

    public Dictionary<string, object?> Root { get; }

    public Dictionary<string, object?> Parameters { get; }

    public IReadOnlyDictionary<string, Resource> Resources { get; }

    public static CloudFormationTemplate Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }

        return new CloudFormationTemplate(Cfn.Map(Convert(yaml.Documents.Single().RootNode))!);
    }

    public Resource this[string name] =>
        Resources.TryGetValue(name, out var resource) ? resource : throw new AssertionException($"The template has no resource {name}.");

    public IEnumerable<Resource> OfType(string type) => Resources.Values.Where(r => r.Type == type);

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(
            c => ((YamlScalarNode)c.Key).Value!, c => Convert(c.Value), StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => throw new NotSupportedException($"YAML node {node.NodeType}"),
    };
}

internal sealed record Resource(string Name, string Type, Dictionary<string, object?> Properties)
{
    public object? this[string property] => Properties.GetValueOrDefault(property);

    public string? Text(string property) => Properties.GetValueOrDefault(property) as string;
}

/// <summary>Reading template values and long-form intrinsics.</summary>
internal static class Cfn
{
    public static Dictionary<string, object?>? Map(object? node) => node as Dictionary<string, object?>;

    public static List<object?> List(object? node) => node switch
    {
        List<object?> list => list,
        null => [],
        _ => [node],
    };

    public static bool IsRef(object? node, string target) => RefTarget(node) == target;

    public static string? RefTarget(object? node) =>
        Map(node) is { Count: 1 } map && map.TryGetValue("Ref", out var target) ? target as string : null;

    /// <summary>The resource and attribute of a <c>Fn::GetAtt</c>, in list or dotted form.</summary>
    public static (string Resource, string Attribute)? GetAtt(object? node)
    {
        if (Map(node) is not { Count: 1 } map || !map.TryGetValue("Fn::GetAtt", out var value))
        {
            return null;
        }

        return value switch
        {
            List<object?> { Count: 2 } pair => ((string)pair[0]!, (string)pair[1]!),
            string dotted when dotted.Split('.', 2) is [var resource, var attribute] => (resource, attribute),
            _ => null,
        };
    }

    public static bool IsGetAtt(object? node, string resource, string attribute) => GetAtt(node) == (resource, attribute);

    /// <summary>The text of a <c>Fn::Sub</c> in its one-argument form.</summary>
    public static string? Sub(object? node) =>
        Map(node) is { Count: 1 } map && map.TryGetValue("Fn::Sub", out var text) ? text as string : null;

    /// <summary>The ARN a resource reference stands for, written the way the template writes it.</summary>
    public static bool IsArnOf(object? node, string resource) =>
        IsGetAtt(node, resource, "Arn") || Sub(node) == $"${{{resource}.Arn}}";
}
