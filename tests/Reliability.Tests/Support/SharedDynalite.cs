using CleanCqrs.TestSupport;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>One dynalite for the whole run, started by the first test that needs it.</summary>
public static class SharedDynalite
{
    private static readonly Lock Gate = new();
    private static Task<DynaliteServer>? _starting;

    public static Task<DynaliteServer> GetAsync()
    {
        lock (Gate)
        {
            if (_starting is null || _starting.IsFaulted || _starting.IsCanceled)
            {
                _starting = DynaliteServer.StartAsync();
            }

            return _starting;
        }
    }

    internal static void Stop()
    {
        Task<DynaliteServer>? started;
        lock (Gate)
        {
            started = _starting;
            _starting = null;
        }

        if (started is { IsCompletedSuccessfully: true })
        {
            started.Result.Dispose();
        }
    }
}
