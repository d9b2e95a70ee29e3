namespace CleanCqrs.LambdaHost.Lambda.Events;

/// <summary>
/// API Gateway HTTP API, payload format 2.0: the request. Header names are lower-cased and repeated
/// headers arrive joined by commas; cookies travel apart from the headers.
/// </summary>
public sealed record HttpApiRequest
{
    public string? Version { get; init; }

    public string? RouteKey { get; init; }

    /// <summary>The path as sent; on a named (non-<c>$default</c>) stage it starts with the stage.</summary>
    public string? RawPath { get; init; }

    public string? RawQueryString { get; init; }

    public List<string>? Cookies { get; init; }

    public Dictionary<string, string?>? Headers { get; init; }

    /// <summary>Repeated parameters are joined by commas; <see cref="RawQueryString"/> keeps them apart.</summary>
    public Dictionary<string, string?>? QueryStringParameters { get; init; }

    public Dictionary<string, string?>? PathParameters { get; init; }

    public Dictionary<string, string?>? StageVariables { get; init; }

    public HttpApiRequestContext? RequestContext { get; init; }

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }
}

public sealed record HttpApiRequestContext
{
    public string? AccountId { get; init; }

    public string? ApiId { get; init; }

    public string? DomainName { get; init; }

    public string? DomainPrefix { get; init; }

    public HttpApiRequestHttp? Http { get; init; }

    public string? RequestId { get; init; }

    public string? RouteKey { get; init; }

    public string? Stage { get; init; }

    public string? Time { get; init; }

    public long TimeEpoch { get; init; }
}

public sealed record HttpApiRequestHttp
{
    public string? Method { get; init; }

    public string? Path { get; init; }

    public string? Protocol { get; init; }

    public string? SourceIp { get; init; }

    public string? UserAgent { get; init; }
}

/// <summary>The HTTP API response, payload format 2.0. <c>Set-Cookie</c> values go to <see cref="Cookies"/>.</summary>
public sealed record HttpApiResponse
{
    public int StatusCode { get; init; }

    public Dictionary<string, string>? Headers { get; init; }

    public List<string>? Cookies { get; init; }

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }
}
