using System.Text;
using CleanCqrs.Application.Tokens.Queries.GetJwks;

namespace CleanCqrs.LambdaHost.Http.Endpoints;

/// <summary>The public keys that verify this service's tokens.</summary>
public static class Jwks
{
    public static IReadOnlyList<Endpoint> All { get; } =
    [
        Endpoint.Get("/.well-known/jwks.json", GetAsync),
    ];

    private static async ValueTask<HttpResponseData> GetAsync(EndpointContext http, CancellationToken cancellationToken) =>
        Respond.With(await http.Sender.Send(new GetJwks(), cancellationToken), json =>
            HttpResponseData.RawJson(200, Encoding.UTF8.GetBytes(json)).WithHeader("Cache-Control", "public, max-age=300"));
}
