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
    private ICommitPublisher? _inner;
    private int _attempts;
    private int _published;
    private volatile bool _failing;

    private SwitchableCommitPublisher()
    {
    }

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public int Attempts => Volatile.Read(ref _attempts);

    public int Published => Volatile.Read(ref _published);

    /// <summary>Takes the place of the registered publisher, over the provider's own in-process broker.</summary>
    public static SwitchableCommitPublisher Replace(IServiceCollection services, bool failing)
    {
        var publisher = new SwitchableCommitPublisher { Failing = failing };
        services.AddSingleton<ICommitPublisher>(sp =>
        {
            publisher._inner = new InProcCommitPublisher(sp.GetRequiredService<InProcBroker>());
            return publisher;
        });
        return publisher;
    }

    public async ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        if (Failing)
        {
            throw new InvalidOperationException("The broker is unreachable (test).");
        }

        await _inner!.PublishAsync(commit, cancellationToken);
        Interlocked.Increment(ref _published);
    }
}

/// <summary>The real in-process publisher, keeping a copy of every message it hands to the broker.</summary>
public sealed class RecordingInProcPublisher : ICommitPublisher
{
    private readonly ConcurrentQueue<BrokerMessage> _messages = new();
    private InProcCommitPublisher? _inner;

    private RecordingInProcPublisher()
    {
    }

    public IReadOnlyList<BrokerMessage> Messages => [.. _messages];

    public static RecordingInProcPublisher Replace(IServiceCollection services)
    {
        var publisher = new RecordingInProcPublisher();
        services.AddSingleton<ICommitPublisher>(sp =>
        {
            publisher._inner = new InProcCommitPublisher(sp.GetRequiredService<InProcBroker>());
            return publisher;
        });
        return publisher;
    }

    public async ValueTask PublishAsync(Commit commit, CancellationToken cancellationToken)
    {
        foreach (var message in InProcCommitPublisher.ToMessages(commit))
        {
            _messages.Enqueue(message);
        }

        await _inner!.PublishAsync(commit, cancellationToken);
    }
}
