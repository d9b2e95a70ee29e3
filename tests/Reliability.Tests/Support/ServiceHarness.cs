using System.Net;
using Amazon.DynamoDBv2;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Application.Outbox;
using CleanCqrs.Infrastructure;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.LambdaHost;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.TestSupport;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Reliability.Tests.Support;

public sealed record HarnessOptions
{
    public StoreKind Store { get; init; } = StoreKind.Sqlite;

    /// <summary>
    /// Runs <see cref="LocalMode.RunAsync"/> beside the tests: the local HTTP server, the broker pump
    /// delivering to the function, the start-up sweep and the periodic sweeper. Off: nothing moves
    /// unless the test moves it.
    /// </summary>
    public bool RunLocalMode { get; init; } = true;

    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxReceiveCount { get; init; } = 5;

    /// <summary>Replaces the broker's queue settings (retry delay, receive count) when set.</summary>
    public InProcBrokerOptions? Broker { get; init; }

    /// <summary>Adjusts the settings the harness made (limits, budgets) before the service is built.</summary>
    public Func<ServiceSettings, ServiceSettings>? Settings { get; init; }

    /// <summary>Runs after the real infrastructure is registered: decorators go here.</summary>
    public Action<IServiceCollection>? Configure { get; init; }
}

/// <summary>
/// The whole service in this process: the production composition over real adapters (SQLite or
/// DynamoDB on dynalite, the in-process broker, key files, the dev mailbox) in a fresh data
/// directory, driven through <see cref="Function.HandleAsync"/> with real API Gateway events.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _localMode;

    private ServiceHarness(string dataDirectory, ServiceProvider provider, DynamoDbTableNames? tables)
    {
        DataDirectory = dataDirectory;
        Provider = provider;
        Tables = tables;
        Function = provider.GetRequiredService<Function>();
        Mediator = provider.GetRequiredService<IMediator>();
        Store = provider.GetRequiredService<IEventStore>();
        Orgs = provider.GetRequiredService<IReadModelStore<OrgReadModel>>();
        Broker = provider.GetRequiredService<InProcBroker>();
        Logs = provider.GetServices<ILoggerProvider>().OfType<RecordingLoggerProvider>().Single();
    }

    public string DataDirectory { get; }

    public ServiceProvider Provider { get; }

    public Function Function { get; }

    public IMediator Mediator { get; }

    public IEventStore Store { get; }

    public IReadModelStore<OrgReadModel> Orgs { get; }

    public InProcBroker Broker { get; }

    public RecordingLoggerProvider Logs { get; }

    /// <summary>The DynamoDB tables (fresh for this harness), or null on SQLite.</summary>
    public DynamoDbTableNames? Tables { get; }

    public Uri? LocalUrl { get; private set; }

    public static async Task<ServiceHarness> StartAsync(HarnessOptions? options = null)
    {
        options ??= new HarnessOptions();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cleancqrs-reliability-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);
        var settings = new ServiceSettings
        {
            DataDirectory = dataDirectory,
            Store = options.Store,
            SweepInterval = options.SweepInterval,
            MaxReceiveCount = options.MaxReceiveCount,
        };
        settings = options.Settings?.Invoke(settings) ?? settings;

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // Never the developer's own AWS profile, whatever the machine has.
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials",
        };
        DynamoDbTableNames? tables = null;
        if (options.Store == StoreKind.DynamoDb)
        {
            var dynalite = await SharedDynalite.GetAsync();
            var suffix = Guid.NewGuid().ToString("N")[..12];
            tables = new DynamoDbTableNames($"rel-events-{suffix}", $"rel-read-models-{suffix}", $"rel-guards-{suffix}");
            environment[DynamoDbClientFactory.ServiceEndpointSetting] = dynalite.Endpoint.AbsoluteUri;
            environment[DynamoDbTableNames.EventsSetting] = tables.Events;
            environment[DynamoDbTableNames.ReadModelsSetting] = tables.ReadModels;
            environment[DynamoDbTableNames.GuardsSetting] = tables.Guards;
        }

        var logs = new RecordingLoggerProvider();
        var provider = Composition.BuildServiceProvider(settings, LogFormat.None, services =>
        {
            services.AddInfrastructure(settings, name => environment.GetValueOrDefault(name));
            if (options.Broker is { } broker)
            {
                services.AddInProcBroker(dataDirectory, broker);
            }

            services.AddSingleton<ILoggerProvider>(logs);
            options.Configure?.Invoke(services);
        });

        var harness = new ServiceHarness(dataDirectory, provider, tables);
        try
        {
            if (tables is not null)
            {
                await DynamoDbProvisioner.EnsureTablesAsync(provider.GetRequiredService<IAmazonDynamoDB>(), tables, CancellationToken.None);
            }

            if (options.RunLocalMode)
            {
                await harness.StartLocalModeAsync();
            }
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }

        return harness;
    }

    /// <summary>One request through the function entry, as API Gateway would invoke it.</summary>
    public async Task<ApiResponse> SendAsync(
        ApiRequest request, PayloadFormat format = PayloadFormat.HttpApi, TimeSpan? deadline = null)
    {
        using var timeout = deadline is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        var raw = await Function.HandleAsync(
            ApiGatewayEvents.Build(request, format),
            new InvocationContext(Guid.NewGuid().ToString(), DateTimeOffset.UtcNow + (deadline ?? TimeSpan.FromSeconds(30))),
            timeout.Token);
        return ApiResponse.Parse(raw, request);
    }

    /// <summary>A token from the service's own issuer (the local key file in the data directory).</summary>
    public async Task<string> TokenAsync(string subject, string role = "org", string country = "SG")
    {
        var issued = await Provider.GetRequiredService<ITokenIssuer>().IssueAsync(new TokenClaims(subject, role, country), CancellationToken.None);
        return issued.Token;
    }

    /// <summary>Every commit not yet marked published, whatever its age.</summary>
    public async Task<IReadOnlyList<Commit>> PendingAsync() =>
        await Store.ReadPendingAsync(DateTimeOffset.UtcNow.AddDays(1), int.MaxValue, CancellationToken.None);

    /// <summary>Runs the outbox sweep until nothing is pending (a flaky publisher may need several passes).</summary>
    public async Task SweepUntilNothingPendingAsync(int maxPasses = 50)
    {
        for (var pass = 0; pass < maxPasses; pass++)
        {
            await Mediator.Send(new SweepOutbox(TimeSpan.Zero));
            if ((await PendingAsync()).Count == 0)
            {
                return;
            }
        }

        Assert.Fail($"Commits still pending after {maxPasses} sweeps: {string.Join(", ", (await PendingAsync()).Select(c => $"{c.StreamId}@{c.Version}"))}");
    }

    public async Task<List<StoredEvent>> ReadStreamAsync(string streamId)
    {
        var events = new List<StoredEvent>();
        await foreach (var stored in Store.ReadStreamAsync(streamId, 0, CancellationToken.None))
        {
            events.Add(stored);
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_localMode is not null)
        {
            try
            {
                await _localMode;
            }
            catch (OperationCanceledException)
            {
                // Stopped while starting up.
            }
        }

        await Provider.DisposeAsync();
        _stopping.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean up with the temp directory.
        }
    }

    private async Task StartLocalModeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var url = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
            _localMode = LocalMode.RunAsync(Provider, url, _stopping.Token);
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!_localMode.IsCompleted && DateTime.UtcNow < deadline)
            {
                try
                {
                    using var response = await client.GetAsync(new Uri(url, "/.well-known/jwks.json"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        LocalUrl = url;
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(20);
            }

            if (_localMode.IsFaulted && _localMode.Exception!.InnerException is IOException && attempt < 3)
            {
                // The free port was taken in between: try another.
                continue;
            }

            await _localMode;
            throw new InvalidOperationException("Local mode did not start listening.");
        }
    }
}
