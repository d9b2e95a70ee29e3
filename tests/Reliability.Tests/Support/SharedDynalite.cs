using CleanCqrs.TestSupport;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>One dynalite for the whole run, started by the first test that needs it.</summary>
public static class SharedDynalite
{
    private static readonly Lock Gate = new();
    private static Task<DynaliteServer>? starting;

    public static Task<DynaliteServer> GetAsync()
    {
        lock (Gate)
        {
            if (starting is null || starting.IsFaulted || starting.IsCanceled)
            {
                starting = DynaliteServer.StartAsync();
            }

            return starting;
        }
    }

    internal static void Stop()
    {
        Task<DynaliteServer>? started;
        lock (Gate)
        {
            started = starting;
            starting = null;
        }

        if (started is { IsCompletedSuccessfully: true })
        {
            started.Result.Dispose();
        }
    }
}
