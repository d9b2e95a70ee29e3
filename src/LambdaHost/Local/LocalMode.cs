using CleanCqrs.Application.Outbox;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Messaging;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>
/// Local mode: the function behind a local HTTP server, the in-process broker delivering SQS-shaped
/// batches to the same function, and the outbox sweeper — until cancelled.
/// </summary>
public static class LocalMode
{
    /// <summary>How long the local function may take over one SQS batch (the queue's visibility timeout is longer).</summary>
    public static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Runs everything local mode runs beside the function, and returns once all of it has stopped
    /// after <paramref name="cancellationToken"/> is cancelled. Commits left pending by an earlier
    /// process (it died between append and publish) are published before the server takes requests.
    /// </summary>
    public static Task RunAsync(IServiceProvider services, Uri url, CancellationToken cancellationToken) =>
        RunAsync(services, url, null, cancellationToken);

    /// <inheritdoc cref="RunAsync(IServiceProvider, Uri, CancellationToken)"/>
    public static async Task RunAsync(IServiceProvider services, Uri url, LocalServerLimits? limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var settings = services.GetRequiredService<ServiceSettings>();
        var function = services.GetRequiredService<Function>();
        var logger = services.GetRequiredService<ILogger<LocalHttpServer>>();
        var mediator = services.GetRequiredService<IMediator>();

        var recovered = await mediator.Send(new SweepOutbox(TimeSpan.Zero), cancellationToken);
        if (recovered.Published + recovered.Failed > 0)
        {
            logger.LogInformation("Start-up sweep: {Published} pending commits published, {Failed} failed", recovered.Published, recovered.Failed);
        }

        await using var server = new LocalHttpServer(
            url, function, services.GetRequiredService<ILoggerFactory>(), services.GetService<TimeProvider>(), limits);
        await server.StartAsync(cancellationToken);

        var pump = services.GetService<BrokerPump>();
        if (pump is not null && await services.GetRequiredService<InProcBroker>().ReleaseInFlightAsync(cancellationToken) is > 0 and var orphans)
        {
            // Local mode is the only consumer of its data directory: what is in flight now was left by a
            // process that died mid-batch.
            logger.LogInformation("Start-up: {Count} messages a previous process left in flight are delivered again", orphans);
        }

        pump?.Start((batch, ct) => DeliverAsync(function, batch, logger, ct), cancellationToken);
        var sweeper = SweepPeriodicallyAsync(mediator, settings.SweepInterval, logger, cancellationToken);
        try
        {
            await server.RunAsync(cancellationToken);
        }
        finally
        {
            if (pump is not null)
            {
                await pump.StopAsync();
            }

            await sweeper;
        }
    }

    /// <summary>Hands a broker batch to the function as an SQS FIFO event and returns the failed message ids.</summary>
    public static async Task<IReadOnlySet<string>> DeliverAsync(
        Function function, IReadOnlyList<ReceivedMessage> batch, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var records = batch.Select(m => new LocalSqsRecord(
            m.MessageId,
            m.GroupId,
            m.DeduplicationId,
            m.Body,
            m.ReceiveCount,
            m.SentAt,
            m.Attributes.GetValueOrDefault(InProcCommitPublisher.EventTypeAttribute))).ToArray();
        return await function.DeliverAsync(records, BatchTimeout, cancellationToken, logger);
    }

    // Publishes what the request path could not (a failed publish). Commits younger than two intervals
    // are left to the request that stored them.
    private static async Task SweepPeriodicallyAsync(IMediator mediator, TimeSpan interval, ILogger logger, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    var result = await mediator.Send(new SweepOutbox(interval * 2), cancellationToken);
                    if (result.Published + result.Failed > 0)
                    {
                        logger.LogInformation("Sweeper: {Published} pending commits published, {Failed} failed", result.Published, result.Failed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "The outbox sweep failed; it runs again in {Interval}", interval);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
