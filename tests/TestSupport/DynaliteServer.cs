using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CleanCqrs.TestSupport;

/// <summary>
/// An in-memory dynalite (a DynamoDB-compatible server, pinned in tools/dynalite) on a free loopback
/// port, for the life of the test run.
/// </summary>
public sealed class DynaliteServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private const int MaxOutputChars = 8_000;

    private readonly Process process;
    private readonly StringBuilder output;

    private DynaliteServer(Process process, StringBuilder output, Uri endpoint)
    {
        this.process = process;
        this.output = output;
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
            var port = FreeLoopbackPort();
            var output = new StringBuilder();
            var process = Launch(cli, port, output);
            try
            {
                var endpoint = new Uri($"http://127.0.0.1:{port}/");
                await WaitUntilListeningAsync(process, port, cancellationToken);
                return new DynaliteServer(process, output, endpoint);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Stop(process);
                if (attempt == 3 || ex is TimeoutException)
                {
                    throw new InvalidOperationException(
                        $"dynalite did not start on 127.0.0.1:{port} ({ex.Message}). If its module is missing or broken, run `npm ci` in tools/dynalite. Output:\n{Captured(output)}",
                        ex);
                }
            }
        }
    }

    public void Dispose()
    {
        Stop(process);
        process.Dispose();
    }

    public override string ToString() => $"dynalite at {Endpoint} (output: {Captured(output)})";

    private static Process Launch(string cli, int port, StringBuilder output)
    {
        var start = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(cli)!,
        };
        foreach (var argument in new[] { cli, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--createTableMs", "20", "--deleteTableMs", "20" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("Node.js (`node` on the PATH) is needed to run dynalite for the DynamoDB tests.", ex);
        }

        DataReceivedEventHandler capture = (_, e) =>
        {
            lock (output)
            {
                if (e.Data is { } line && output.Length < MaxOutputChars)
                {
                    output.AppendLine(line);
                }
            }
        };
        process.OutputDataReceived += capture;
        process.ErrorDataReceived += capture;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
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

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private static string Captured(StringBuilder output)
    {
        lock (output)
        {
            return output.Length == 0 ? "(none)" : output.ToString();
        }
    }

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
