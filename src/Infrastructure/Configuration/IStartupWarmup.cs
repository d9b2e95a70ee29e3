namespace CleanCqrs.Infrastructure.Configuration;

/// <summary>
/// Work an adapter wants done while the process initialises (Lambda's init phase), before the first
/// invocation waits for it: start reading a secret, build what the first call would otherwise build.
/// <see cref="Warm"/> must not block on the network; whatever it starts completes in the background.
/// </summary>
public interface IStartupWarmup
{
    void Warm();
}
