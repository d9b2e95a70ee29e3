using CleanCqrs.LambdaHost.Http.Endpoints;

namespace CleanCqrs.LambdaHost.Http;

/// <summary>
/// The result of matching a request line: the endpoint (and the <c>{id}</c> of its path), or the
/// methods the path does allow (405), or nothing at that path (404).
/// </summary>
public readonly record struct RouteMatch(Endpoint? Endpoint, string? Id, IReadOnlyList<string>? AllowedMethods, string? Template = null)
{
    public bool IsNotFound => Endpoint is null && AllowedMethods is null;
}

public static class Routes
{
    /// <summary>Every endpoint of the API, one list per resource: what <see cref="Match"/> serves and the API document is checked against.</summary>
    public static IReadOnlyList<Endpoint> Table { get; } = [.. Otps.All, .. Orgs.All, .. Jwks.All];

    private const string IdSegment = "{id}";

    private static readonly PathTemplate[] Templates =
    [
        .. Table.GroupBy(e => e.Template, StringComparer.Ordinal).Select(g => new PathTemplate(g.Key, [.. g])),
    ];

    /// <summary>
    /// Matches exactly the templates of the table: segments compare case-sensitively, no trailing
    /// slash, and <c>{id}</c> is one non-empty segment (percent-decoded). <c>HEAD</c> is served
    /// wherever <c>GET</c> is.
    /// </summary>
    public static RouteMatch Match(string method, string path)
    {
        foreach (var template in Templates)
        {
            if (!template.TryMatch(path, out var id))
            {
                continue;
            }

            var served = method == "HEAD" ? "GET" : method;
            foreach (var endpoint in template.Endpoints)
            {
                if (endpoint.Method == served)
                {
                    return new RouteMatch(endpoint, id, null, template.Template);
                }
            }

            return new RouteMatch(null, null, template.AllowedMethods, template.Template);
        }

        return default;
    }

    private sealed class PathTemplate(string template, Endpoint[] endpoints)
    {
        private readonly string[] _segments = template.Split('/')[1..];

        public string Template { get; } = template;

        public Endpoint[] Endpoints { get; } = endpoints;

        public IReadOnlyList<string> AllowedMethods { get; } =
            [.. endpoints.SelectMany(e => e.Method == "GET" ? new[] { "GET", "HEAD" } : [e.Method])];

        public bool TryMatch(string path, out string? id)
        {
            id = null;
            if (path.Length == 0 || path[0] != '/')
            {
                return false;
            }

            var rest = path.AsSpan(1);
            for (var i = 0; i < _segments.Length; i++)
            {
                var slash = rest.IndexOf('/');
                var segment = slash < 0 ? rest : rest[..slash];
                var last = i == _segments.Length - 1;
                if (last != (slash < 0))
                {
                    return false;
                }

                if (_segments[i] == IdSegment)
                {
                    if (segment.IsEmpty)
                    {
                        return false;
                    }

                    id = Uri.UnescapeDataString(segment.ToString());
                }
                else if (!segment.SequenceEqual(_segments[i]))
                {
                    return false;
                }

                rest = last ? default : rest[(slash + 1)..];
            }

            return true;
        }
    }
}
