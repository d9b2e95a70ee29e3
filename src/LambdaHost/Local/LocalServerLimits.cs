using CleanCqrs.LambdaHost.Http;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>
/// What the local HTTP server lets one client hold (SPEC 5.4: as robust as the Lambda edge). The
/// defaults are the product's; tests shorten the timeouts to keep the attack repros fast.
/// </summary>
public sealed record LocalServerLimits
{
    public static LocalServerLimits Default { get; } = new();

    /// <summary>Larger bodies are refused with 413 before they are read (the API's own limit, so both edges agree).</summary>
    public long MaxBodyBytes { get; init; } = RequestBody.MaxBytes;

    /// <summary>From the connection's first byte (or the end of the previous request) to the end of the headers.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The whole body must have arrived within this time after the headers, whatever its rate.</summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An idle keep-alive connection is closed after this long.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Below this rate (after a grace period) a body upload or a response download is cut off.</summary>
    public int MinBytesPerSecond { get; init; } = 240;

    /// <summary>More than a second (Kestrel checks rates once a second).</summary>
    public TimeSpan MinRateGracePeriod { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Connections beyond this are closed at once; well under a 1,024 open-file limit.</summary>
    public int MaxConnections { get; init; } = 512;

    /// <summary>Request line and headers together (the rest answers 431).</summary>
    public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;

    public int MaxRequestHeaderCount { get; init; } = 100;

    /// <summary>How long the function may take over one request (API Gateway's integration timeout).</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
