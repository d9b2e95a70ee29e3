using System.Diagnostics;
using System.Net;
using CleanCqrs.TestSupport;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>
/// The real service as a child process (<c>dotnet LambdaHost.dll --urls … --data-dir …</c>), the way
/// a developer runs local mode, so it can be killed like a real process.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private const int MaxOutputChars = 20_000;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _child;

    private ServiceProcess(ChildProcess child, Uri baseUrl)
    {
        _child = child;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public int Id => _child.Process.Id;

    public string Output => _child.Output;

    /// <summary>Starts the service on a free loopback port and returns once it answers HTTP.</summary>
    public static async Task<ServiceProcess> StartAsync(string dataDirectory)
    {
        for (var attempt = 1; ; attempt++)
        {
            var baseUrl = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
            var service = new ServiceProcess(Launch(baseUrl, dataDirectory), baseUrl);
            try
            {
                await service.WaitUntilServingAsync();
                return service;
            }
            catch (InvalidOperationException) when (attempt < 3 && service._child.Process.HasExited)
            {
                // Most likely the port was taken between finding it free and binding it.
                service.Dispose();
            }
        }
    }

    /// <summary>SIGKILL (on Linux <see cref="Process.Kill(bool)"/> sends it): no shutdown code runs.</summary>
    public void KillHard() => _child.Kill(TimeSpan.FromSeconds(10));

    public void Dispose() => _child.Dispose();

    /// <summary>LambdaHost.dll as built for this test run: beside this assembly (a project reference), else the project's own output.</summary>
    public static string LambdaHostDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "LambdaHost.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "LambdaHost.runtimeconfig.json")))
        {
            return beside;
        }

        // bin/<configuration>/<framework>/ of this assembly names the configuration to look for.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent?.Name ?? "Debug";
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CleanCqrs.sln")))
            {
                var built = Path.Combine(directory.FullName, "src", "LambdaHost", "bin", configuration, output.Name, "LambdaHost.dll");
                return File.Exists(built) ? built : throw new FileNotFoundException("LambdaHost.dll is not built.", built);
            }
        }

        throw new FileNotFoundException($"LambdaHost.dll was found neither in {AppContext.BaseDirectory} nor in the repository's build output.");
    }

    private static ChildProcess Launch(Uri baseUrl, string dataDirectory)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in new[] { LambdaHostDll(), "--urls", baseUrl.GetLeftPart(UriPartial.Authority), "--data-dir", dataDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        // Local mode with its defaults, whatever the machine running the tests has configured.
        foreach (var name in start.Environment.Keys.ToArray())
        {
            if (name.StartsWith("CLEANCQRS_", StringComparison.Ordinal) || name.StartsWith("AWS_", StringComparison.Ordinal)
                || name is "TOKEN_ISSUER" or "TOKEN_LIFETIME" or "OTP_TTL" or "MAX_RECEIVE_COUNT" or "EVENTS_TABLE" or "READ_MODELS_TABLE")
            {
                start.Environment.Remove(name);
            }
        }

        return ChildProcess.Start(start, MaxOutputChars, "The dotnet host could not be started for the child service.");
    }

    private async Task WaitUntilServingAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_child.Process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with code {_child.Process.ExitCode} before serving. Output:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(BaseUrl, "/.well-known/jwks.json"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The service did not answer on {BaseUrl} within {StartTimeout.TotalSeconds} s. Output:\n{Output}");
    }
}
