namespace CleanCqrs.Infrastructure.Configuration;

/// <summary>
/// A condition the deployment cannot work without, awaited at the end of the process's start (Lambda's
/// init phase), after every <see cref="IStartupWarmup"/> has started: a check that fails fails the init
/// with its message (a <see cref="SettingsException"/> becomes <c>Runtime.ConfigInvalid</c>) instead of
/// leaving each later invocation to find out. A check waits only for an answer that proves the
/// configuration wrong; an outage or a slow answer is no init failure.
/// </summary>
public interface IStartupCheck
{
    Task CheckAsync(CancellationToken cancellationToken);
}
