using System.Collections.Concurrent;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

/// <summary>
/// The real in-process publisher behind a switch: while <see cref="Failing"/> is on, every publish
/// throws before anything reaches the broker (the broker is down, or the process dies right after
/// the append).
/// </summary>
public sealed class SwitchableCommitPublisher : ICommitPublisher
{
    private ICommitPublisher? inner;
    private int attempts;
    private int published;
    private volatile bool failing;

    private SwitchableCommitPublisher()
    {
    }

    public bool Failing
    {
        get => failing;
        set => failing = value;
    }

    public int Attempts => Volatile.Read(ref attempts);

    public int Published => Volatile.Read(ref published);

    /// <summary>Takes the place of the registered publisher, over the provider's own in-process broker.</summary>
    public static SwitchableCommitPublisher Replace(IServiceCollection services, bool failing)
    {
        var publisher = new SwitchableCommitPublisher { Failing = failing };
        services.AddSingleton<ICommitPublisher>(sp =>
        {
            publisher.inner = new InProcCommitPublisher(sp.GetRequiredService<InProcBroker>());
            return publisher;
        });
        return publisher;
    }

    public async ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref attempts);
        if (Failing)
        {
            throw new InvalidOperationException("The broker is unreachable (test).");
        }

        await inner!.PublishAsync(commit, cancellationToken);
        Interlocked.Increment(ref published);
    }
}

/// <summary>The real in-process publisher, keeping a copy of every message it hands to the broker.</summary>
public sealed class RecordingInProcPublisher : ICommitPublisher
{
    private readonly ConcurrentQueue<BrokerMessage> messages = new();
    private InProcCommitPublisher? inner;

    private RecordingInProcPublisher()
    {
    }

    public IReadOnlyList<BrokerMessage> Messages => [.. messages];

    public static RecordingInProcPublisher Replace(IServiceCollection services)
    {
        var publisher = new RecordingInProcPublisher();
        services.AddSingleton<ICommitPublisher>(sp =>
        {
            publisher.inner = new InProcCommitPublisher(sp.GetRequiredService<InProcBroker>());
            return publisher;
        });
        return publisher;
    }

    public async ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        foreach (var message in InProcCommitPublisher.ToMessages(commit))
        {
            messages.Enqueue(message);
        }

        await inner!.PublishAsync(commit, cancellationToken);
    }
}
