namespace CleanCqrs.LambdaHost.Lambda.Events;

/// <summary>API Gateway REST API, Lambda proxy integration, payload format 1.0: the request.</summary>
public sealed record ApiGatewayProxyRequest
{
    public string? Resource { get; init; }

    /// <summary>The resource path, without the stage (unlike <c>requestContext.path</c>).</summary>
    public string? Path { get; init; }

    public string? HttpMethod { get; init; }

    public Dictionary<string, string?>? Headers { get; init; }

    /// <summary>Every value of every header; when present it supersedes <see cref="Headers"/>.</summary>
    public Dictionary<string, List<string>?>? MultiValueHeaders { get; init; }

    public Dictionary<string, string?>? QueryStringParameters { get; init; }

    public Dictionary<string, List<string>?>? MultiValueQueryStringParameters { get; init; }

    public Dictionary<string, string?>? PathParameters { get; init; }

    public Dictionary<string, string?>? StageVariables { get; init; }

    public ApiGatewayProxyRequestContext? RequestContext { get; init; }

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }
}

public sealed record ApiGatewayProxyRequestContext
{
    public string? AccountId { get; init; }

    public string? ApiId { get; init; }

    public string? DomainName { get; init; }

    public string? DomainPrefix { get; init; }

    public string? ExtendedRequestId { get; init; }

    public string? HttpMethod { get; init; }

    public ApiGatewayProxyRequestIdentity? Identity { get; init; }

    public string? Path { get; init; }

    public string? Protocol { get; init; }

    public string? RequestId { get; init; }

    public string? RequestTime { get; init; }

    public long RequestTimeEpoch { get; init; }

    public string? ResourceId { get; init; }

    public string? ResourcePath { get; init; }

    public string? Stage { get; init; }
}

public sealed record ApiGatewayProxyRequestIdentity
{
    public string? SourceIp { get; init; }

    public string? UserAgent { get; init; }
}

/// <summary>
/// The proxy integration's response, payload format 1.0. A header with several values goes to
/// <see cref="MultiValueHeaders"/>; API Gateway merges both maps.
/// </summary>
public sealed record ApiGatewayProxyResponse
{
    public int StatusCode { get; init; }

    public Dictionary<string, string>? Headers { get; init; }

    public Dictionary<string, List<string>>? MultiValueHeaders { get; init; }

    public string? Body { get; init; }

    public bool IsBase64Encoded { get; init; }
}
