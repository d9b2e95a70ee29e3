using System.Net.Http.Headers;

namespace CleanCqrs.Bench.Load;

/// <summary>A status code and body as the service answered them.</summary>
internal readonly record struct Reply(int Status, string Body);

/// <summary>The service's HTTP API over one pooled <see cref="HttpClient"/>, at most one connection per virtual user.</summary>
internal sealed class ServiceClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly string _baseUrl;

    public ServiceClient(Uri baseUrl, int connections, TimeSpan requestTimeout)
    {
        _baseUrl = baseUrl.ToString().TrimEnd('/');
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            Timeout = requestTimeout,
        };
    }

    public string BaseUrl => _baseUrl;

    public async Task<Reply> SendAsync(HttpMethod method, string path, byte[]? jsonBody, string? bearerToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, _baseUrl + path);
        if (jsonBody is not null)
        {
            request.Content = new ByteArrayContent(jsonBody);
            request.Content.Headers.ContentType = Json;
        }

        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Reply((int)response.StatusCode, body);
    }

    public void Dispose() => _http.Dispose();
}
