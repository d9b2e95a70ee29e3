using YamlDotNet.RepresentationModel;

namespace CleanCqrs.LambdaHost.Tests.OpenApi;

/// <summary>One operation of the document: path template, upper-case method and the response status codes it lists.</summary>
public sealed record DocumentedOperation(string Path, string Method, IReadOnlySet<string> Statuses);

/// <summary><c>docs/openapi.yaml</c>, read with a YAML parser (no OpenAPI library: only what the tests compare).</summary>
public sealed class OpenApiDocument
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private OpenApiDocument(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public string Version => Scalar(Root, "openapi");

    public IReadOnlyList<DocumentedOperation> Operations =>
    [
        .. Mapping(Root, "paths").Children.SelectMany(path => ((YamlMappingNode)path.Value).Children
            .Where(operation => HttpMethods.Contains(((YamlScalarNode)operation.Key).Value))
            .Select(operation => new DocumentedOperation(
                ((YamlScalarNode)path.Key).Value!,
                ((YamlScalarNode)operation.Key).Value!.ToUpperInvariant(),
                Mapping((YamlMappingNode)operation.Value, "responses").Children
                    .Select(response => ((YamlScalarNode)response.Key).Value!)
                    .ToHashSet(StringComparer.Ordinal)))),
    ];

    public IReadOnlyList<string> Paths => [.. Operations.Select(o => o.Path).Distinct()];

    public IReadOnlySet<string> MethodsOf(string path) => Operations.Where(o => o.Path == path).Select(o => o.Method).ToHashSet();

    public static OpenApiDocument Load()
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(PathInRepository())))
        {
            stream.Load(reader);
        }

        return new OpenApiDocument((YamlMappingNode)stream.Documents.Single().RootNode);
    }

    /// <summary>Every <c>$ref</c> in the document, as written.</summary>
    public IReadOnlyList<string> References() => [.. Walk(Root).OfType<YamlMappingNode>()
        .SelectMany(m => m.Children.Where(c => ((YamlScalarNode)c.Key).Value == "$ref").Select(c => ((YamlScalarNode)c.Value).Value!))];

    /// <summary>Whether a local reference (<c>#/components/...</c>) names a node of this document.</summary>
    public bool Resolves(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return false;
        }

        YamlNode node = Root;
        foreach (var raw in reference[2..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(segment), out var child))
            {
                return false;
            }

            node = child;
        }

        return true;
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "CleanCqrs.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"CleanCqrs.sln was not found above {AppContext.BaseDirectory}.");
    }

    private static string PathInRepository() => System.IO.Path.Combine(RepositoryRoot(), "docs", "openapi.yaml");

    private static IEnumerable<YamlNode> Walk(YamlNode node)
    {
        yield return node;
        var children = node switch
        {
            YamlMappingNode mapping => mapping.Children.Values,
            YamlSequenceNode sequence => sequence.Children,
            _ => [],
        };
        foreach (var descendant in children.SelectMany(Walk))
        {
            yield return descendant;
        }
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;
}
