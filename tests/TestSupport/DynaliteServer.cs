using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CleanCqrs.TestSupport;

/// <summary>
/// An in-memory dynalite (a DynamoDB-compatible server, pinned in tools/dynalite) on a free loopback
/// port, for the life of the test run.
/// </summary>
public sealed class DynaliteServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private const int MaxOutputChars = 8_000;

    private readonly ChildProcess _process;

    private DynaliteServer(ChildProcess process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<DynaliteServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var root = RepositoryRoot();
        var cli = Path.Combine(root, "tools", "dynalite", "node_modules", "dynalite", "cli.js");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException(
                $"dynalite is not installed ({cli} is missing): run `npm ci` in {Path.Combine(root, "tools", "dynalite")} first.");
        }

        // A port found free can be taken before dynalite binds it; then start again on another.
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPort.Free();
            var process = Launch(cli, port);
            try
            {
                var endpoint = new Uri($"http://127.0.0.1:{port}/");
                await WaitUntilListeningAsync(process.Process, port, cancellationToken);
                return new DynaliteServer(process, endpoint);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                process.Dispose();
                if (attempt == 3 || ex is TimeoutException)
                {
                    throw new InvalidOperationException(
                        $"dynalite did not start on 127.0.0.1:{port} ({ex.Message}). If its module is missing or broken, run `npm ci` in tools/dynalite. Output:\n{Captured(process)}",
                        ex);
                }
            }
        }
    }

    public void Dispose() => _process.Dispose();

    public override string ToString() => $"dynalite at {Endpoint} (output: {Captured(_process)})";

    private static ChildProcess Launch(string cli, int port)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(cli)!,
        };
        foreach (var argument in new[] { cli, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--createTableMs", "20", "--deleteTableMs", "20" })
        {
            start.ArgumentList.Add(argument);
        }

        return ChildProcess.Start(start, MaxOutputChars, "Node.js (`node` on the PATH) is needed to run dynalite for the DynamoDB tests.");
    }

    private static async Task WaitUntilListeningAsync(Process process, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"dynalite exited with code {process.ExitCode}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing listened on port {port} within {StartTimeout.TotalSeconds} s");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing listened on port {port} within {StartTimeout.TotalSeconds} s");
            }
        }
    }

    private static string Captured(ChildProcess process) => process.Output is { Length: > 0 } output ? output : "(none)";
    /// <summary>The directory holding CleanCqrs.sln, found upwards from the test assembly.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CleanCqrs.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"CleanCqrs.sln was not found above {AppContext.BaseDirectory}.");
    }
}
