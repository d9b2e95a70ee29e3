using Amazon.Runtime.Credentials;

namespace CleanCqrs.Infrastructure.Configuration;

/// <summary>
/// Moves an AWS client's one-time first-call work into init, without a network call: the default
/// credential chain (environment variables in Lambda, resolved once per process), and whatever
/// <paramref name="prepare"/> does for the client (requests through an <see cref="AwsDryRun"/> client,
/// the signer). It runs on the thread pool, so the runtime asks for the first invocation meanwhile;
/// a failure here is no failure: the first real call does the work and reports its own errors.
/// </summary>
public sealed class AwsClientWarmup(Func<Task> prepare, bool resolveCredentials) : IStartupWarmup
{
    // One warm-up at a time: the runtime's type loader serialises them anyway, and running them side by
    // side only takes the second core from the rest of init and the first invocation.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    private Task? _warming;

    /// <summary>Completes when the warm-up has run (for tests); null before <see cref="Warm"/>.</summary>
    public Task? Completion => _warming;

    public void Warm() => _warming ??= Task.Run(async () =>
    {
        await OneAtATime.WaitAsync();
        try
        {
            if (resolveCredentials)
            {
                _ = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
            }

            await prepare();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing to report yet: the first request resolves the same things and fails with the cause.
        }
        finally
        {
            OneAtATime.Release();
        }
    });
}
