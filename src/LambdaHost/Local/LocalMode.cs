using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>Local mode: the function behind a local HTTP server, until cancelled.</summary>
public static class LocalMode
{
    /// <summary>
    /// Runs everything local mode runs beside the function, and returns once all of it has stopped
    /// after <paramref name="cancellationToken"/> is cancelled. This is the place where the in-process
    /// broker's delivery pump and the outbox sweeper are started next to the HTTP server; the adapters
    /// they need are registered by <c>AddInfrastructure</c>.
    /// </summary>
    public static async Task RunAsync(IServiceProvider services, Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        using var server = new LocalHttpServer(
            url,
            services.GetRequiredService<Function>(),
            services.GetRequiredService<ILogger<LocalHttpServer>>(),
            services.GetService<TimeProvider>());
        server.Start();
        await server.RunAsync(cancellationToken);
    }
}
