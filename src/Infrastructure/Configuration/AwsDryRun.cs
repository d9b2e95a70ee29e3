using System.Net;
using System.Net.Http.Headers;
using Amazon.Runtime;

namespace CleanCqrs.Infrastructure.Configuration;

/// <summary>
/// A throw-away AWS SDK client whose HTTP layer answers every request in memory with <c>200 {}</c>:
/// requests sent through it run the SDK's whole pipeline (marshaller, endpoint rules, signer, retry
/// and error handlers, unmarshaller) and reach no network.
/// </summary>
/// <remarks>
/// In a Native AOT process the SDK's first call of each operation is slow for a reason the endpoint
/// and credential warm-up does not touch: every pipeline handler's generic <c>InvokeAsync&lt;T&gt;</c>
/// is resolved and its generic dictionary built at run time, per response type (a profile of the
/// deployed cold start put a third of the process's CPU there). That work is per process, not per
/// client, so doing the operations the first request will make once through a dry-run client at init
/// leaves the real client's first calls with only their network time (docs/performance.md).
/// </remarks>
public static class AwsDryRun
{
    /// <summary>Signs the dry-run requests; nothing checks them.</summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("dry-run", "dry-run");

    /// <summary>
    /// Points <paramref name="config"/> (already configured like the real client's: region, endpoint)
    /// at the in-memory answer, with no retries.
    /// </summary>
    public static TConfig Configure<TConfig>(TConfig config) where TConfig : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        config.HttpClientFactory = new InMemoryHttpClientFactory();
        config.MaxErrorRetry = 0;
        return config;
    }

    /// <summary>Runs each call in turn; a failing one does not stop the others (it only warms less).</summary>
    public static async Task RunAsync(params Func<Task>[] calls)
    {
        foreach (var call in calls)
        {
            try
            {
                await call();
            }
            catch (Exception e) when (e is AmazonClientException or AmazonServiceException or HttpRequestException)
            {
                // The first real call of that operation does the rest of the work.
            }
        }
    }

    private sealed class InMemoryHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new EmptyJsonAnswer());

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

        public override string? GetConfigUniqueString(IClientConfig clientConfig) => "dry-run";
    }

    private sealed class EmptyJsonAnswer : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent("{}"u8.ToArray());
            content.Headers.ContentType = request.Content?.Headers.ContentType ?? new MediaTypeHeaderValue("application/x-amz-json-1.0");
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
            response.Headers.Add("x-amzn-RequestId", "dry-run");
            return Task.FromResult(response);
        }
    }
}
