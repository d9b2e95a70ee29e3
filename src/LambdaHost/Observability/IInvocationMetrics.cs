using CleanCqrs.LambdaHost.Lambda;

namespace CleanCqrs.LambdaHost.Observability;

/// <summary>
/// Groups what is recorded while one invocation runs, so the host can write it out before the
/// response goes back (Lambda may freeze the process right after that).
/// </summary>
public interface IInvocationMetrics
{
    /// <summary>Starts collecting for <paramref name="context"/> in this async flow; disposing writes it out.</summary>
    IDisposable BeginInvocation(InvocationContext context);
}

/// <summary>No metrics per invocation (local mode, tests): nothing to begin, nothing to write.</summary>
public sealed class NoInvocationMetrics : IInvocationMetrics, IDisposable
{
    public static readonly NoInvocationMetrics Instance = new();

    private NoInvocationMetrics()
    {
    }

    public IDisposable BeginInvocation(InvocationContext context) => this;

    public void Dispose()
    {
    }
}
