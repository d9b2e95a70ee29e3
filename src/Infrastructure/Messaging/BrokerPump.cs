using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Messaging;

/// <summary>
/// The consumer loop of the in-process broker: delivers batches while there are any, then sleeps
/// until this process publishes or <see cref="InProcBrokerOptions.IdlePollInterval"/> passes (which
/// is how another process's publishes and retried messages are noticed).
/// </summary>
public sealed class BrokerPump(InProcBroker broker, ILogger<BrokerPump>? logger = null) : IAsyncDisposable, IDisposable
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly Lock _sync = new();
    private CancellationTokenSource? _stopping;
    private Task? _running;

    /// <summary>
    /// Delivers until <paramref name="stoppingToken"/> is cancelled, then returns normally (Ctrl-C
    /// friendly), with <see cref="InProcBrokerOptions.Consumers"/> batches in flight at most. A failing
    /// handler only fails its batch; a failing broker is logged and retried.
    /// </summary>
    public Task RunAsync(
        Func<IReadOnlyList<ReceivedMessage>, CancellationToken, Task<IReadOnlySet<string>>> handler,
        CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Task.WhenAll(Enumerable.Range(0, broker.Options.Consumers).Select(_ => ConsumeAsync(handler, stoppingToken)));
    }

    private async Task ConsumeAsync(
        Func<IReadOnlyList<ReceivedMessage>, CancellationToken, Task<IReadOnlySet<string>>> handler,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before looking, so a publish between an empty look and the wait still wakes us.
            var published = broker.NextPublish;
            int delivered;
            try
            {
                delivered = await broker.DeliverOnceAsync(handler, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "The broker pump could not deliver; trying again shortly");
                delivered = 0;
            }

            if (delivered == 0)
            {
                await IdleAsync(published, stoppingToken);
            }
        }
    }

    /// <summary>Runs <see cref="RunAsync"/> in the background until <see cref="StopAsync"/> or <paramref name="stoppingToken"/>.</summary>
    public void Start(
        Func<IReadOnlyList<ReceivedMessage>, CancellationToken, Task<IReadOnlySet<string>>> handler,
        CancellationToken stoppingToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_sync)
        {
            if (_running is { IsCompleted: false })
            {
                throw new InvalidOperationException("The broker pump is already running.");
            }

            _stopping?.Dispose();
            _stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var token = _stopping.Token;
            _running = Task.Run(() => RunAsync(handler, token), CancellationToken.None);
        }
    }

    /// <summary>Stops the background loop and waits for the batch in hand to be settled.</summary>
    public async Task StopAsync()
    {
        Task? task;
        lock (_sync)
        {
            _stopping?.Cancel();
            task = _running;
        }

        if (task is not null)
        {
            await task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        DisposeStopping();
    }

    /// <summary>For containers disposed synchronously: stops and waits like <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        StopAsync().GetAwaiter().GetResult();
        DisposeStopping();
    }

    private void DisposeStopping()
    {
        lock (_sync)
        {
            _stopping?.Dispose();
            _stopping = null;
        }
    }

    private async Task IdleAsync(Task published, CancellationToken stoppingToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var poll = Task.Delay(broker.Options.IdlePollInterval, broker.Clock, wake.Token);
        await Task.WhenAny(published, poll);
        // Ends the poll timer early when the publish signal won.
        await wake.CancelAsync();
    }
}
