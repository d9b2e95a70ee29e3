using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace CleanCqrs.TestSupport.Http;

/// <summary>A response that does not match <c>docs/openapi.yaml</c>.</summary>
public sealed class ApiContractViolationException(string message) : Exception(message);

/// <summary>
/// <c>docs/openapi.yaml</c> (read with Microsoft.OpenApi) as a check on real responses: the status is
/// one the operation lists, every header is declared for that response (and every required one is
/// there, with a value its schema accepts), and the body has a listed media type and is valid against
/// its schema (JsonSchema.Net, formats included). Requests to paths or methods the document does not
/// have must be answered 404 or 405 with a problem body.
/// </summary>
public sealed class ApiContract
{
    /// <summary>Headers of the transport, not of the API: no operation declares them.</summary>
    private static readonly HashSet<string> TransportHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Date", "Server", "Transfer-Encoding", "Connection", "Keep-Alive",
    };

    private static readonly Lazy<ApiContract> Repository = new(() => Load(File.ReadAllText(PathInRepository())));
    private static readonly ConcurrentDictionary<string, int> UncheckedReasons = new(StringComparer.Ordinal);
    private static long _validated;

    private static readonly EvaluationOptions Evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    private readonly OpenApiDocument _document;
    private readonly string _definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    private ApiContract(OpenApiDocument document)
    {
        _document = document;
        var defs = new JsonObject();
        foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            defs[name] = JsonNode.Parse(SchemaJson(schema));
        }

        _definitions = defs.ToJsonString();
    }

    /// <summary>The repository's <c>docs/openapi.yaml</c>.</summary>
    public static ApiContract Document => Repository.Value;

    /// <summary>Responses checked against the document since the test run started.</summary>
    public static long Validated => Interlocked.Read(ref _validated);

    /// <summary>Responses taken without the check, by reason.</summary>
    public static IReadOnlyDictionary<string, int> Unchecked => UncheckedReasons;

    /// <summary>Every operation of the document as "METHOD /template".</summary>
    public IReadOnlyList<string> Operations =>
    [
        .. _document.Paths.SelectMany(path => (path.Value.Operations ?? []).Select(op => $"{MethodName(op.Key)} {path.Key}")),
    ];

    public static ApiContract Load(string yaml)
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(yaml));
        var result = OpenApiDocument.Load(stream, "yaml", settings);
        if (result.Document is null || result.Diagnostic?.Errors.Count > 0)
        {
            throw new InvalidOperationException(
                "The API document does not read: " + string.Join("; ", result.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        }

        return new ApiContract(result.Document);
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CleanCqrs.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"CleanCqrs.sln was not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Throws <see cref="ApiContractViolationException"/> naming every way the response breaks the document.</summary>
    public void Enforce(ApiRequest request, ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var violations = Check(request, response);
        if (violations.Count > 0)
        {
            throw new ApiContractViolationException(
                $"The response to {request.Method} {request.Path} breaks docs/openapi.yaml:\n- {string.Join("\n- ", violations)}\nResponse: {response}");
        }

        if (ReferenceEquals(this, Repository.Value))
        {
            Interlocked.Increment(ref _validated);
        }
    }

    /// <summary>Every way <paramref name="response"/> breaks the document as an answer to <paramref name="request"/>; empty when it keeps it.</summary>
    public IReadOnlyList<string> Check(ApiRequest request, ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var violations = new List<string>();
        var method = request.Method;
        var template = Template(request.Path);
        if (template is null)
        {
            ExpectRefusal(method, response, [404], violations, "a path the document does not have");
            return violations;
        }

        var pathItem = _document.Paths[template];
        var operation = (pathItem.Operations ?? []).FirstOrDefault(o => MethodName(o.Key) == method).Value;
        if (operation is null)
        {
            ExpectRefusal(method, response, [405], violations, $"a method {template} does not have");
            if (response.Status == 405 && response.Header("Allow") is null)
            {
                violations.Add("405 without an Allow header");
            }

            return violations;
        }

        var key = response.Status.ToString(CultureInfo.InvariantCulture);
        var documented = operation.Responses?.GetValueOrDefault(key)
            ?? operation.Responses?.GetValueOrDefault(key[0] + "XX")
            ?? operation.Responses?.GetValueOrDefault("default");
        if (documented is null)
        {
            violations.Add($"status {key} is not documented for {method} {template} (documented: {string.Join(", ", operation.Responses?.Keys.AsEnumerable() ?? [])})");
            return violations;
        }

        CheckHeaders(documented, response, violations);
        CheckBody(method, documented, response, violations);
        return violations;
    }

    /// <summary>Where the document lacks an example: every parameter, response header, request body and response body needs one.</summary>
    public IReadOnlyList<string> MissingExamples()
    {
        var missing = new List<string>();
        foreach (var (template, pathItem) in _document.Paths)
        {
            foreach (var (method, operation) in pathItem.Operations ?? [])
            {
                var where = $"{MethodName(method)} {template}";
                foreach (var parameter in (pathItem.Parameters ?? []).Concat(operation.Parameters ?? []))
                {
                    if (parameter.Example is null && parameter.Examples is not { Count: > 0 })
                    {
                        missing.Add($"{where}: parameter {parameter.Name}");
                    }
                }

                foreach (var (type, media) in operation.RequestBody?.Content ?? new Dictionary<string, IOpenApiMediaType>())
                {
                    if (media.Example is null && media.Examples is not { Count: > 0 })
                    {
                        missing.Add($"{where}: request body {type}");
                    }
                }

                foreach (var (status, response) in operation.Responses ?? [])
                {
                    foreach (var (type, media) in response.Content ?? new Dictionary<string, IOpenApiMediaType>())
                    {
                        if (media.Example is null && media.Examples is not { Count: > 0 })
                        {
                            missing.Add($"{where}: {status} body {type}");
                        }
                    }

                    foreach (var (name, header) in response.Headers ?? new Dictionary<string, IOpenApiHeader>())
                    {
                        if (header.Example is null && header.Examples is not { Count: > 0 })
                        {
                            missing.Add($"{where}: {status} header {name}");
                        }
                    }
                }
            }
        }

        return [.. missing.Distinct()];
    }

    /// <summary>The document's path template that <paramref name="path"/> (as sent, percent-encoded) falls under, or null.</summary>
    public string? Template(string path)
    {
        var segments = path.Split('/');
        foreach (var template in _document.Paths.Keys)
        {
            var parts = template.Split('/');
            if (parts.Length == segments.Length && parts.Zip(segments).All(p =>
                    p.First.StartsWith('{') ? p.Second.Length > 0 : string.Equals(p.First, p.Second, StringComparison.Ordinal)))
            {
                return template;
            }
        }

        return null;
    }

    internal static void CountUnchecked(string reason) => UncheckedReasons.AddOrUpdate(reason, 1, (_, count) => count + 1);

    private void ExpectRefusal(string method, ApiResponse response, int[] statuses, List<string> violations, string what)
    {
        if (!statuses.Contains(response.Status))
        {
            violations.Add($"{what} must be answered {string.Join(" or ", statuses)}, not {response.Status}");
            return;
        }

        if (response.MediaType != "application/problem+json")
        {
            violations.Add($"a {response.Status} must be application/problem+json, not '{response.MediaType}'");
            return;
        }

        if (method == "HEAD")
        {
            // SPEC 5.1: HEAD answers as GET would, refusals included, without the body.
            if (response.Body is { Length: > 0 })
            {
                violations.Add("a HEAD response has a body");
            }

            return;
        }

        Validate("#/$defs/Problem", "{\"$ref\":\"#/$defs/Problem\"}", response.Body, violations);
    }

    private static void CheckHeaders(IOpenApiResponse documented, ApiResponse response, List<string> violations)
    {
        var declared = documented.Headers ?? new Dictionary<string, IOpenApiHeader>();
        foreach (var name in response.HeaderNames.Where(n => !TransportHeaders.Contains(n)))
        {
            var header = declared.FirstOrDefault(d => string.Equals(d.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
            if (header is null)
            {
                violations.Add($"header {name} is not declared for this response (declared: {string.Join(", ", declared.Keys)})");
                continue;
            }

            if (header.Schema is { } schema && !HeaderValueFits(schema, response.Header(name)!, out var problem))
            {
                violations.Add($"header {name}: '{response.Header(name)}' {problem}");
            }
        }

        foreach (var (name, header) in declared.Where(d => d.Value.Required))
        {
            if (response.Header(name) is null)
            {
                violations.Add($"required header {name} is missing");
            }
        }
    }

    private void CheckBody(string method, IOpenApiResponse documented, ApiResponse response, List<string> violations)
    {
        var content = documented.Content ?? new Dictionary<string, IOpenApiMediaType>();
        if (method == "HEAD" || content.Count == 0)
        {
            if (!string.IsNullOrEmpty(response.Body))
            {
                violations.Add(method == "HEAD" ? "a HEAD response has a body" : "the response documents no body but has one");
            }

            return;
        }

        if (response.MediaType is not { } mediaType || !content.TryGetValue(mediaType, out var media))
        {
            violations.Add($"content type '{response.MediaType}' is not documented (documented: {string.Join(", ", content.Keys)})");
            return;
        }

        if (media.Schema is { } schema)
        {
            var json = SchemaJson(schema);
            Validate(json, json, response.Body, violations);
        }
    }

    private void Validate(string cacheKey, string schemaJson, string? body, List<string> violations)
    {
        JsonNode? instance;
        try
        {
            instance = body is null ? null : JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException ex)
        {
            violations.Add($"the body is not JSON: {ex.Message}");
            return;
        }

        if (instance is null)
        {
            violations.Add("the body is empty where the document has one");
            return;
        }

        var schema = _schemas.GetOrAdd(cacheKey, _ =>
        {
            var root = JsonNode.Parse(schemaJson)!.AsObject();
            var wrapper = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$defs"] = JsonNode.Parse(_definitions),
                ["allOf"] = new JsonArray(root),
            };
            return JsonSchema.FromText(wrapper.ToJsonString());
        });
        var result = schema.Evaluate(instance, Evaluation);
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
                .Distinct()
                .Take(10);
            violations.Add("the body does not match its schema: " + string.Join("; ", errors));
        }
    }

    private static bool HeaderValueFits(IOpenApiSchema schema, string value, out string problem)
    {
        problem = string.Empty;
        JsonNode? instance = value;
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Integer))
        {
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                problem = "is not an integer";
                return false;
            }

            instance = number;
        }

        var result = JsonSchema.FromText(SchemaJson(schema)).Evaluate(instance, Evaluation);
        if (!result.IsValid)
        {
            problem = "does not match the header's schema";
        }

        return result.IsValid;
    }

    private static string SchemaJson(IOpenApiSchema schema)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        return text.ToString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
    }

    private static string MethodName(object method) => method.ToString()!.ToUpperInvariant();

    private static string PathInRepository() => Path.Combine(RepositoryRoot(), "docs", "openapi.yaml");
}
