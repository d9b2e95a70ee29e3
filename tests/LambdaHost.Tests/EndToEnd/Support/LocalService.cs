using System.Net;
using CleanCqrs.Infrastructure;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

/// <summary>
/// Local mode in this process, as <c>dotnet run --project src/LambdaHost</c> runs it: the production
/// composition with the real adapters chosen by the environment, <see cref="LocalMode.RunAsync"/> on
/// a free 127.0.0.1 port, and a client speaking real HTTP to it.
/// </summary>
public sealed class LocalService : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping;
    private readonly Task _running;
    private readonly HttpClient _http;
    private bool _stopped;

    private LocalService(ServiceProvider services, Uri url, CancellationTokenSource stopping, Task running, HttpClient http)
    {
        Services = services;
        Url = url;
        _stopping = stopping;
        _running = running;
        _http = http;
        Api = new ApiClient(http);
    }

    public ServiceProvider Services { get; }

    public Uri Url { get; }

    public ApiClient Api { get; }

    /// <summary>
    /// The provider local mode builds (<see cref="Composition.BuildServiceProvider(ServiceSettings, LogFormat, Action{IServiceCollection})"/>
    /// over <c>AddInfrastructure</c>), with <paramref name="customise"/> applied last so its registrations win.
    /// </summary>
    public static ServiceProvider BuildProvider(
        ServiceEnvironment environment, ServiceSettings? settings = null, Action<IServiceCollection>? customise = null)
    {
        var effective = settings ?? environment.Settings();
        return Composition.BuildServiceProvider(effective, LogFormat.None, services =>
        {
            services.AddInfrastructure(effective, environment.Read);
            customise?.Invoke(services);
        });
    }

    public static Task<LocalService> StartAsync(
        ServiceEnvironment environment, ServiceSettings? settings = null, Action<IServiceCollection>? customise = null) =>
        StartAsync(BuildProvider(environment, settings, customise));

    /// <summary>Runs local mode over <paramref name="services"/> (which it then owns) and returns once it answers HTTP.</summary>
    public static async Task<LocalService> StartAsync(ServiceProvider services)
    {
        for (var attempt = 1; ; attempt++)
        {
            var url = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
            var stopping = new CancellationTokenSource();
            var running = Task.Run(() => LocalMode.RunAsync(services, url, stopping.Token));
            var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                await WaitUntilServingAsync(http, running);
                return new LocalService(services, url, stopping, running, http);
            }
            catch (IOException) when (attempt < 5)
            {
                // The port was taken between finding it free and binding it: another one.
                http.Dispose();
                stopping.Dispose();
            }
            catch
            {
                http.Dispose();
                await stopping.CancelAsync();
                stopping.Dispose();
                await services.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Stops local mode (as Ctrl-C does) and disposes everything it held; the data directory stays.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stopping.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped during the start-up sweep.
        }

        _http.Dispose();
        _stopping.Dispose();
        await Services.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task WaitUntilServingAsync(HttpClient http, Task running)
    {
        var deadline = DateTimeOffset.UtcNow + StartBound;
        while (true)
        {
            if (running.IsCompleted)
            {
                await running;
                throw new InvalidOperationException("Local mode stopped before it served a request.");
            }

            try
            {
                using var response = await http.GetAsync("/.well-known/jwks.json");
                return;
            }
            catch (HttpRequestException) when (DateTimeOffset.UtcNow < deadline)
            {
                // Not listening yet (the start-up sweep runs first).
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
