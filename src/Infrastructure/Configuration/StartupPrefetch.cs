namespace CleanCqrs.Infrastructure.Configuration;

/// <summary>
/// Starts fetching, during init, a value every process fetches once and keeps (a KMS key's public
/// half, a derived key), so the first request that needs it finds it ready or on its way.
/// <paramref name="start"/> must return at once; a failed fetch is the owner's to retry on first use.
/// </summary>
public sealed class StartupPrefetch(Action start) : IStartupWarmup
{
    public void Warm() => start();
}
