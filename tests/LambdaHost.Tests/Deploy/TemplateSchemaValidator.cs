using System.Globalization;
using System.Text.RegularExpressions;

namespace CleanCqrs.LambdaHost.Tests.Deploy;

/// <summary>
/// Checks a template against <see cref="CloudFormationSchemas"/>: every resource type exists, every
/// property name at every depth is one its schema declares, required properties are present, values
/// have the declared shape (object, list, map, scalar), resource attributes (DeletionPolicy…) are
/// valid, and every Ref, Fn::GetAtt and Fn::Sub reference names a resource, parameter or pseudo
/// parameter and an attribute that resource type has. Returns one line per problem, with its path.
/// </summary>
internal static partial class TemplateSchemaValidator
{
    private static readonly HashSet<string> ResourceKeys = new(StringComparer.Ordinal)
    {
        "Type", "Properties", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Condition", "Metadata", "CreationPolicy", "UpdatePolicy",
    };

    private static readonly HashSet<string> Policies = new(StringComparer.Ordinal) { "Delete", "Retain", "Snapshot", "RetainExceptOnCreate" };

    private static readonly HashSet<string> PseudoParameters = new(StringComparer.Ordinal)
    {
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
    };

    public static IReadOnlyList<string> Validate(CloudFormationTemplate template, CloudFormationSchemas schemas)
    {
        var problems = new List<string>();
        var resources = Cfn.Map(template.Root["Resources"]) ?? [];
        var parameters = template.Parameters;

        foreach (var (name, node) in resources)
        {
            var body = Cfn.Map(node);
            if (body is null || body.GetValueOrDefault("Type") is not string type)
            {
                problems.Add($"{name}: a resource needs a Type");
                continue;
            }

            foreach (var key in body.Keys.Where(k => !ResourceKeys.Contains(k)))
            {
                problems.Add($"{name}.{key}: not a resource attribute CloudFormation knows");
            }

            foreach (var policy in new[] { "DeletionPolicy", "UpdateReplacePolicy" })
            {
                if (body.GetValueOrDefault(policy) is string value && !Policies.Contains(value))
                {
                    problems.Add($"{name}.{policy}: '{value}' is none of {string.Join(", ", Policies)}");
                }
            }

            foreach (var dependency in Cfn.List(body.GetValueOrDefault("DependsOn")).OfType<string>().Where(d => !resources.ContainsKey(d)))
            {
                problems.Add($"{name}.DependsOn: {dependency} is not a resource of the template");
            }

            var schema = schemas.Resource(type);
            if (schema is null)
            {
                problems.Add($"{name}: {type} is not a CloudFormation resource type");
                continue;
            }

            var properties = body.GetValueOrDefault("Properties");
            if (properties is not null && Cfn.Map(properties) is null)
            {
                problems.Add($"{name}.Properties: must be an object");
                continue;
            }

            CheckObject($"{name}.Properties", Cfn.Map(properties) ?? [], schema.Properties, schemas, problems);
        }

        CheckReferences("Resources", template.Root["Resources"], resources, parameters, schemas, problems);
        CheckReferences("Outputs", template.Root.GetValueOrDefault("Outputs"), resources, parameters, schemas, problems);
        return problems;
    }

    private static void CheckObject(
        string path, Dictionary<string, object?> value, Dictionary<string, PropertySchema> declared, CloudFormationSchemas schemas, List<string> problems)
    {
        foreach (var (name, property) in value)
        {
            if (!declared.TryGetValue(name, out var schema))
            {
                problems.Add($"{path}.{name}: not a property of this type (it has {string.Join(", ", declared.Keys.Order(StringComparer.Ordinal))})");
                continue;
            }

            CheckValue($"{path}.{name}", property, schema.Type, schemas, problems);
        }

        foreach (var (name, _) in declared.Where(p => p.Value.Required && !value.ContainsKey(p.Key)))
        {
            problems.Add($"{path}.{name}: required, and missing");
        }
    }

    private static void CheckValue(string path, object? value, ValueType type, CloudFormationSchemas schemas, List<string> problems)
    {
        if (IsIntrinsic(value))
        {
            return;
        }

        switch (type.Kind)
        {
            case "json":
                return;
            case "union":
                var attempts = type.Alternatives.Select(alternative =>
                {
                    var found = new List<string>();
                    CheckValue(path, value, alternative, schemas, found);
                    return found;
                }).ToList();
                if (attempts.All(a => a.Count > 0))
                {
                    problems.AddRange(attempts.OrderBy(a => a.Count).First());
                }

                return;
            case "ref":
                if (Cfn.Map(value) is { } map)
                {
                    CheckObject(path, map, schemas.Type(type.Reference!).Properties, schemas, problems);
                }
                else
                {
                    problems.Add($"{path}: must be an object ({schemas.Type(type.Reference!).Name})");
                }

                return;
            case "tag":
                if (Cfn.Map(value) is not { } tag || !tag.ContainsKey("Key") || !tag.ContainsKey("Value"))
                {
                    problems.Add($"{path}: a tag is an object with Key and Value");
                }

                return;
            case "array":
                if (value is not List<object?> list)
                {
                    problems.Add($"{path}: must be a list of {type.Element}");
                    return;
                }

                for (var i = 0; i < list.Count; i++)
                {
                    CheckValue(string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), list[i], type.Element!, schemas, problems);
                }

                return;
            case "map":
                if (Cfn.Map(value) is not { } entries)
                {
                    problems.Add($"{path}: must be a map of {type.Element}");
                    return;
                }

                foreach (var (key, entry) in entries)
                {
                    CheckValue($"{path}.{key}", entry, type.Element!, schemas, problems);
                }

                return;
            default:
                CheckScalar(path, value, type.Kind, problems);
                return;
        }
    }

    private static void CheckScalar(string path, object? value, string kind, List<string> problems)
    {
        if (value is not string text)
        {
            problems.Add($"{path}: must be a {kind}, not {(value is List<object?> ? "a list" : value is null ? "null" : "an object")}");
            return;
        }

        var ok = kind switch
        {
            "integer" => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            "number" => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            "boolean" => text is "true" or "false" or "True" or "False",
            _ => true,
        };
        if (!ok)
        {
            problems.Add($"{path}: '{text}' is not a {kind}");
        }
    }

    private static bool IsIntrinsic(object? value) =>
        Cfn.Map(value) is { Count: 1 } map && map.Keys.Single() is var key && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal));

    private static void CheckReferences(
        string path,
        object? node,
        Dictionary<string, object?> resources,
        Dictionary<string, object?> parameters,
        CloudFormationSchemas schemas,
        List<string> problems)
    {
        switch (node)
        {
            case Dictionary<string, object?> map when Cfn.RefTarget(map) is { } target:
                if (!resources.ContainsKey(target) && !parameters.ContainsKey(target) && !PseudoParameters.Contains(target))
                {
                    problems.Add($"{path}: Ref {target} names no resource, parameter or pseudo parameter");
                }

                return;
            case Dictionary<string, object?> map when map.Count == 1 && map.ContainsKey("Fn::GetAtt"):
                if (Cfn.GetAtt(map) is not { } getAtt)
                {
                    problems.Add($"{path}: Fn::GetAtt needs [resource, attribute]");
                }
                else
                {
                    CheckAttribute(path, getAtt.Resource, getAtt.Attribute, resources, schemas, problems);
                }

                return;
            case Dictionary<string, object?> map when map.Count == 1 && map.TryGetValue("Fn::Sub", out var sub):
                var (text, variables) = sub switch
                {
                    string s => (s, new Dictionary<string, object?>()),
                    List<object?> { Count: 2 } pair => ((string)pair[0]!, Cfn.Map(pair[1]) ?? []),
                    _ => (string.Empty, new Dictionary<string, object?>()),
                };
                foreach (Match match in SubVariable().Matches(text))
                {
                    var name = match.Groups["name"].Value;
                    if (variables.ContainsKey(name) || name.StartsWith('!'))
                    {
                        continue;
                    }

                    if (name.Split('.', 2) is [var resource, var attribute] && !PseudoParameters.Contains(name))
                    {
                        CheckAttribute(path, resource, attribute, resources, schemas, problems);
                    }
                    else if (!resources.ContainsKey(name) && !parameters.ContainsKey(name) && !PseudoParameters.Contains(name))
                    {
                        problems.Add($"{path}: Fn::Sub ${{{name}}} names no resource, parameter or pseudo parameter");
                    }
                }

                foreach (var (name, value) in variables)
                {
                    CheckReferences($"{path}.{name}", value, resources, parameters, schemas, problems);
                }

                return;
            case Dictionary<string, object?> map:
                foreach (var (key, value) in map)
                {
                    CheckReferences($"{path}.{key}", value, resources, parameters, schemas, problems);
                }

                return;
            case List<object?> list:
                for (var i = 0; i < list.Count; i++)
                {
                    CheckReferences(string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), list[i], resources, parameters, schemas, problems);
                }

                return;
        }
    }

    private static void CheckAttribute(
        string path, string resource, string attribute, Dictionary<string, object?> resources, CloudFormationSchemas schemas, List<string> problems)
    {
        if (Cfn.Map(resources.GetValueOrDefault(resource))?.GetValueOrDefault("Type") is not string type)
        {
            problems.Add($"{path}: Fn::GetAtt {resource}.{attribute} names no resource of the template");
            return;
        }

        if (schemas.Resource(type) is { } schema && !schema.Attributes.Contains(attribute))
        {
            problems.Add($"{path}: {type} has no attribute {attribute} (it has {string.Join(", ", schema.Attributes.Order(StringComparer.Ordinal))})");
        }
    }

    [GeneratedRegex(@"\$\{(?<name>[^}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex SubVariable();
}
