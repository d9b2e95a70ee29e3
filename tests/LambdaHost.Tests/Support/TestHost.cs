using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.LambdaHost.Tests.Support;

/// <summary>
/// The production composition with the in-memory adapters in place of <c>AddInfrastructure</c>,
/// driven only through <see cref="Function.HandleAsync"/> with real event payloads.
/// </summary>
public sealed class TestHost : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    public TestHost(ServiceSettings? settings = null)
    {
        Services = Composition.BuildServiceProvider(settings ?? new ServiceSettings(), LogFormat.None, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IEventStore>(Store);
            services.AddSingleton<IReadModelStore<OrgReadModel>>(Orgs);
            services.AddSingleton<ICommitPublisher>(Publisher);
            services.AddSingleton<ITokenIssuer>(Tokens);
            services.AddSingleton<ITokenValidator>(Tokens);
            services.AddSingleton<IJwksSource>(Tokens);
            services.AddSingleton<IOtpCodes, DeterministicOtpCodes>();
            services.AddSingleton<IOtpSender>(Sender);
            services.AddSingleton<ILoggerProvider>(Logs);
        });
        Function = Services.GetRequiredService<Function>();
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public InMemoryEventStore Store { get; } = new();

    public InMemoryReadModelStore<OrgReadModel> Orgs { get; } = new();

    public RecordingCommitPublisher Publisher { get; } = new();

    public FakeTokenService Tokens { get; } = new();

    public RecordingOtpSender Sender { get; } = new();

    public RecordingLoggerProvider Logs { get; } = new();

    public ServiceProvider Services { get; }

    public Function Function { get; }

    public InvocationContext NewContext() => new(Guid.NewGuid().ToString(), Clock.GetUtcNow().AddSeconds(30));

    public async Task<ApiResponse> SendAsync(ApiRequest request, PayloadFormat format = PayloadFormat.HttpApi)
    {
        var @event = format == PayloadFormat.HttpApi ? AwsEvents.HttpApi(request) : AwsEvents.RestApi(request);
        var raw = await Function.HandleAsync(@event, NewContext(), CancellationToken.None);
        return ApiResponse.Parse(raw, format);
    }

    public Task<ApiResponse> PostJsonAsync(string path, string json, string? token = null, PayloadFormat format = PayloadFormat.HttpApi)
    {
        var request = new ApiRequest("POST", path).WithJson(json);
        return SendAsync(token is null ? request : request.WithBearer(token), format);
    }

    public Task<ApiResponse> PutJsonAsync(string path, string json, string? token = null, string? ifMatch = null)
    {
        var request = new ApiRequest("PUT", path).WithJson(json);
        request = token is null ? request : request.WithBearer(token);
        return SendAsync(ifMatch is null ? request : request.WithHeader("If-Match", ifMatch));
    }

    public Task<ApiResponse> GetAsync(string path, string? query = null, string? ifNoneMatch = null)
    {
        var request = new ApiRequest("GET", path) { Query = query };
        return SendAsync(ifNoneMatch is null ? request : request.WithHeader("If-None-Match", ifNoneMatch));
    }

    public string OrgToken(string subject, string country = "SG") => Tokens.Mint(new TokenClaims(subject, "org", country));

    public string WorkerToken(string subject, string country = "SG") => Tokens.Mint(new TokenClaims(subject, "worker", country));

    /// <summary>Delivers what was published since the last delivery to the function, as SQS events.</summary>
    public Task<IReadOnlySet<string>> DeliverPublishedAsync(bool viaSns = false) =>
        Publisher.DeliverAsync(Function, Clock.GetUtcNow(), viaSns);

    public void Dispose() => Services.Dispose();
}
