using System.Net;

namespace CleanCqrs.TestSupport;

/// <summary>
/// An <see cref="HttpListener"/> on 127.0.0.1 at a free port, handing every request to a handler
/// until it is disposed: the plumbing under the tests' fake AWS endpoints.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpListener _listener;
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly bool _concurrent;
    private readonly Task _loop;

    private LoopbackHttpServer(Func<HttpListenerContext, Task> handle, bool concurrent)
    {
        _handle = handle;
        _concurrent = concurrent;
        (_listener, Endpoint) = Listen();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The base address, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Endpoint { get; }

    public int Port => Endpoint.Port;

    /// <summary>
    /// Starts serving. <paramref name="concurrent"/>: each request on its own task, for handlers that
    /// block (long polls) or are called in parallel; otherwise one at a time, in arrival order.
    /// </summary>
    public static LoopbackHttpServer Start(Func<HttpListenerContext, Task> handle, bool concurrent) => new(handle, concurrent);

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(StopTimeout);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(IsListenerGone))
        {
            // A request cut off by the closing listener; nothing to report.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        try
        {
            await _loop.WaitAsync(StopTimeout);
        }
        catch (Exception ex) when (IsListenerGone(ex))
        {
            // A request cut off by the closing listener; nothing to report.
        }
    }

    private static bool IsListenerGone(Exception ex) =>
        ex is HttpListenerException or ObjectDisposedException or InvalidOperationException;

    private static (HttpListener, Uri) Listen()
    {
        for (var attempt = 0; ; attempt++)
        {
            var prefix = $"http://127.0.0.1:{LoopbackPort.Free()}/";
            var candidate = new HttpListener();
            candidate.Prefixes.Add(prefix);
            try
            {
                candidate.Start();
                return (candidate, new Uri(prefix));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between probing and binding; try another.
                candidate.Close();
            }
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (IsListenerGone(ex))
            {
                return;
            }

            if (_concurrent)
            {
                _ = Task.Run(() => _handle(context));
            }
            else
            {
                await _handle(context);
            }
        }
    }
}
