namespace CleanCqrs.LambdaHost.Http;

/// <summary>The operations of the HTTP API (SPEC section 2).</summary>
public enum Endpoint
{
    RequestOtp,
    VerifyOtp,
    CreateOrg,
    UpdateOrg,
    GetOrg,
    GetJwks,
}

/// <summary>
/// The result of matching a request line: the endpoint (and the <c>{id}</c> of <c>/orgs/{id}</c>),
/// or the methods the path does allow (405), or nothing at that path (404).
/// </summary>
public readonly record struct RouteMatch(Endpoint? Endpoint, string? Id, IReadOnlyList<string>? AllowedMethods)
{
    public bool IsNotFound => Endpoint is null && AllowedMethods is null;
}

public static class Routes
{
    private static readonly string[] Post = ["POST"];
    private static readonly string[] GetOrPut = ["GET", "PUT"];
    private static readonly string[] Get = ["GET"];

    /// <summary>
    /// Matches exactly the paths of the route table: segments compare case-sensitively, no
    /// trailing slash, and <c>{id}</c> is one non-empty segment (percent-decoded).
    /// </summary>
    public static RouteMatch Match(string method, string path)
    {
        switch (path)
        {
            case "/otp":
                return Only(method, "POST", Endpoint.RequestOtp, Post);
            case "/otp/verify":
            case "/authenticate":
                return Only(method, "POST", Endpoint.VerifyOtp, Post);
            case "/orgs":
                return Only(method, "POST", Endpoint.CreateOrg, Post);
            case "/.well-known/jwks.json":
                return Only(method, "GET", Endpoint.GetJwks, Get);
        }

        const string orgs = "/orgs/";
        if (path.StartsWith(orgs, StringComparison.Ordinal) && path.Length > orgs.Length && path.IndexOf('/', orgs.Length) < 0)
        {
            var id = Uri.UnescapeDataString(path[orgs.Length..]);
            return method switch
            {
                "GET" => new RouteMatch(Endpoint.GetOrg, id, null),
                "PUT" => new RouteMatch(Endpoint.UpdateOrg, id, null),
                _ => new RouteMatch(null, null, GetOrPut),
            };
        }

        return default;
    }

    public static bool HasBody(Endpoint endpoint) =>
        endpoint is Endpoint.RequestOtp or Endpoint.VerifyOtp or Endpoint.CreateOrg or Endpoint.UpdateOrg;

    public static bool RequiresBearer(Endpoint endpoint) => endpoint is Endpoint.CreateOrg or Endpoint.UpdateOrg;

    private static RouteMatch Only(string method, string allowed, Endpoint endpoint, string[] allow) =>
        method == allowed ? new RouteMatch(endpoint, null, null) : new RouteMatch(null, null, allow);
}
