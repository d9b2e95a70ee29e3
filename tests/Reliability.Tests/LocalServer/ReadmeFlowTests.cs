using System.Diagnostics;
using System.Net;
using CleanCqrs.Reliability.Tests.Support;
using CleanCqrs.TestSupport;

namespace CleanCqrs.Reliability.Tests.LocalServer;

/// <summary>
/// The README's curl walk-through ("The whole flow with curl"), extracted from README.md as it is and
/// run with bash twice in a row against the real service started as a developer starts it, so the
/// README cannot drift from the product. The service runs under umask 000, and its data directory
/// must still end up 0700 with every file 0600 (SPEC 5.3).
/// </summary>
[NonParallelizable]
public sealed class ReadmeFlowTests
{
    private static readonly TimeSpan FlowLimit = TimeSpan.FromSeconds(90);

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_readme_flow_runs_twice_in_a_row_and_the_data_stays_private()
    {
        foreach (var tool in new[] { "bash", "curl", "sed", "grep" })
        {
            if (!OnPath(tool))
            {
                Assert.Ignore($"The README's walk-through needs {tool}.");
            }
        }

        var script = ReadmeFlow();
        var root = Directory.CreateTempSubdirectory("cleancqrs-readme-").FullName;
        var dataDir = Path.Combine(root, "data");
        var baseUrl = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var service = StartUnderOpenUmask(baseUrl, dataDir, root);
        try
        {
            await WaitUntilServingAsync(service, baseUrl);
            for (var run = 1; run <= 2; run++)
            {
                var (exit, output) = await RunFlowAsync(script, baseUrl, dataDir, root);
                Assert.That(exit, Is.Zero, $"run {run} of the README flow failed:\n{output}\nservice:\n{service.Output}");
                Assert.That(output, Does.Contain("POST /otp -> 202").And.Contain("POST /orgs -> 201").And.Contain("-> 412")
                    .And.Contain("The whole flow worked."), $"run {run}:\n{output}");
            }

            Assert.That(service.Output, Does.Match(@"HTTP POST /orgs 201 in [0-9.]+ ms"), "the local log shows method, path and status");
            AssertPrivate(dataDir);
        }
        finally
        {
            service.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The bash block under "### The whole flow with curl" in README.md.</summary>
    private static string ReadmeFlow()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var section = readme.IndexOf("### The whole flow with curl", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThanOrEqualTo(0), "README.md has the walk-through section");
        var start = readme.IndexOf("```bash\n", section, StringComparison.Ordinal) + "```bash\n".Length;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end] + "\n";
    }

    private static ChildProcess StartUnderOpenUmask(Uri baseUrl, string dataDir, string workingDirectory)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo("sh") { WorkingDirectory = workingDirectory };
        foreach (var argument in new[]
                 {
                     "-c", "umask 000 && exec \"$@\"", "sh", dotnet, ServiceProcess.LambdaHostDll(),
                     "--urls", baseUrl.GetLeftPart(UriPartial.Authority), "--data-dir", dataDir,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("CLEANCQRS_", StringComparison.Ordinal) || n.StartsWith("AWS_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name);
        }

        return ChildProcess.Start(start, 200_000, "sh could not be started for the service.");
    }

    private static async Task<(int Exit, string Output)> RunFlowAsync(string script, Uri baseUrl, string dataDir, string workingDirectory)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["BASE"] = baseUrl.GetLeftPart(UriPartial.Authority);
        start.Environment["DATA"] = dataDir;
        using var flow = ChildProcess.Start(start, 200_000, "bash could not be started.");
        using var limit = new CancellationTokenSource(FlowLimit);
        try
        {
            await flow.Process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The README flow did not finish within {FlowLimit.TotalSeconds} s:\n{flow.Output}");
        }

        flow.Process.WaitForExit(); // the output readers drain
        return (flow.Process.ExitCode, flow.Output);
    }

    private static async Task WaitUntilServingAsync(ChildProcess service, Uri baseUrl)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.HoldsAsync(
            async () =>
            {
                if (service.Process.HasExited)
                {
                    Assert.Fail($"The service exited with {service.Process.ExitCode}:\n{service.Output}");
                }

                try
                {
                    using var response = await client.GetAsync(new Uri(baseUrl, "/.well-known/jwks.json"));
                    return response.StatusCode == HttpStatusCode.OK ? null : $"jwks answered {(int)response.StatusCode}";
                }
                catch (HttpRequestException ex)
                {
                    return ex.Message;
                }
            },
            TimeSpan.FromSeconds(60));
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void AssertPrivate(string dataDir)
    {
        const UnixFileMode groupOrOther = (UnixFileMode)0b000_111_111;
        Assert.That(File.GetUnixFileMode(dataDir), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        var files = Directory.GetFiles(dataDir);
        Assert.That(files.Select(Path.GetFileName), Is.SupersetOf(new[] { "events.db", "events.db-wal", "outbox.jsonl" }));
        foreach (var file in files)
        {
            Assert.That(File.GetUnixFileMode(file) & groupOrOther, Is.EqualTo(UnixFileMode.None), $"{file} is private to its owner");
            Assert.That(File.GetUnixFileMode(file) & UnixFileMode.UserExecute, Is.EqualTo(UnixFileMode.None), $"{file} is not executable");
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CleanCqrs.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (CleanCqrs.sln) is not above " + AppContext.BaseDirectory);
    }
}
