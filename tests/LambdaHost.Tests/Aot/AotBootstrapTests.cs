using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using CleanCqrs.LambdaHost.Tests.Deploy;
using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests.Aot;

/// <summary>
/// The published Native AOT <c>bootstrap</c> as Lambda runs it: a real process against a Runtime API
/// on loopback. Publishing takes minutes, so this runs only with <c>CLEANCQRS_AOT_TEST=1</c>; a binary
/// under artifacts/ newer than every source is reused. <c>CLEANCQRS_AOT_ARCH=arm64</c> on an x64
/// machine cross-publishes and checks the executable's machine type only (ADR 0009: running it needs
/// an arm64 machine).
/// </summary>
[Category("Aot")]
[NonParallelizable]
public sealed class AotBootstrapTests
{
    public const string EnableVariable = "CLEANCQRS_AOT_TEST";
    public const string ArchitectureVariable = "CLEANCQRS_AOT_ARCH";

    /// <summary>ELF <c>e_machine</c> values (offset 18).</summary>
    private const ushort ElfX64 = 0x3E;
    private const ushort ElfArm64 = 0xB7;

    /// <summary>Generous bounds against a hang, not timing assertions.</summary>
    private static readonly TimeSpan PublishLimit = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan InvocationLimit = TimeSpan.FromMinutes(1);

    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private string _binary = null!;
    private string _dataDir = null!;
    private FakeRuntimeApiServer _runtimeApi = null!;
    private Process _process = null!;

    [OneTimeSetUp]
    public async Task PublishOrReuse()
    {
        if (Environment.GetEnvironmentVariable(EnableVariable) != "1")
        {
            Assert.Ignore($"Set {EnableVariable}=1 to publish and run the Native AOT bootstrap (takes minutes).");
        }

        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            Assert.Ignore("The bootstrap is published for Linux x64 or arm64.");
        }

        var native = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x86_64";
        var arch = Environment.GetEnvironmentVariable(ArchitectureVariable) is { Length: > 0 } chosen ? chosen : native;
        if (arch is not ("x86_64" or "arm64"))
        {
            Assert.Fail($"{ArchitectureVariable} must be x86_64 or arm64, not '{arch}'.");
        }

        var rid = arch == "arm64" ? "linux-arm64" : "linux-x64";
        _binary = RepositoryFiles.PathOf($"artifacts/lambda-{rid}/bootstrap");
        if (!IsFresh(_binary))
        {
            await PublishAsync(arch);
        }

        Assert.That(File.Exists(_binary), Is.True, $"{_binary} was published");
        TestContext.Progress.WriteLine($"bootstrap: {new FileInfo(_binary).Length} bytes");
        Assert.That(ElfMachine(_binary), Is.EqualTo(arch == "arm64" ? ElfArm64 : ElfX64), "the executable's machine type");
        if (arch != native)
        {
            Assert.Ignore($"Cross-published the {arch} bootstrap; running it needs an {arch} machine.");
        }
    }

    [SetUp]
    public void StartBootstrap()
    {
        _dataDir = Directory.CreateTempSubdirectory("cleancqrs-aot-").FullName;
        _runtimeApi = new FakeRuntimeApiServer();
        var start = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dataDir,
        };
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = _runtimeApi.Address;
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = "cleancqrs-aot";
        start.Environment["CLEANCQRS_STORE"] = "sqlite";
        start.Environment["CLEANCQRS_DATA_DIR"] = _dataDir;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Keep(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    [TearDown]
    public async Task StopBootstrap()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        await _runtimeApi.DisposeAsync();
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine("stdout:\n" + string.Join('\n', _stdout) + "\nstderr:\n" + string.Join('\n', _stderr));
        }

        Directory.Delete(_dataDir, recursive: true);
    }

    [Test]
    public async Task Answers_an_HTTP_API_v2_request_and_refuses_an_unsupported_event()
    {
        var request = AwsEvents.HttpApi(new ApiRequest("POST", "/otp").WithJson("""{"primary":"aot@example.com","role":"org","country":"SG"}"""));
        var answered = await Within(_runtimeApi.InvokeAsync(request));

        Assert.That(answered.IsResponse, Is.True, answered.Body);
        using (var response = JsonDocument.Parse(answered.Body))
        {
            var root = response.RootElement;
            Assert.That(root.GetProperty("statusCode").GetInt32(), Is.EqualTo(202));
            Assert.That(root.GetProperty("isBase64Encoded").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("headers").GetProperty("Content-Type").GetString(), Does.StartWith("application/json"));
            using var body = JsonDocument.Parse(root.GetProperty("body").GetString()!);
            Assert.That(body.RootElement.GetProperty("otpId").GetString(), Is.Not.Empty);
            Assert.That(body.RootElement.GetProperty("channel").GetString(), Is.EqualTo("email"));
        }

        var refused = await Within(_runtimeApi.InvokeAsync("""{"hello":"world"}"""u8.ToArray()));

        Assert.That(refused.IsResponse, Is.False);
        Assert.That(refused.ErrorType, Is.EqualTo("Function.UnsupportedEvent"));
        using (var error = JsonDocument.Parse(refused.Body))
        {
            Assert.That(error.RootElement.GetProperty("errorType").GetString(), Is.EqualTo("Function.UnsupportedEvent"));
            Assert.That(error.RootElement.GetProperty("errorMessage").GetString(), Does.Contain("hello"));
        }

        Assert.That(_runtimeApi.InitError.Task.IsCompleted, Is.False, "no start-up failure was reported");
    }

    [Test]
    public async Task Writes_JSON_log_lines_and_one_EMF_line_for_the_request()
    {
        var request = AwsEvents.HttpApi(new ApiRequest("POST", "/otp").WithJson("""{"primary":"emf@example.com","role":"org","country":"SG"}"""));
        await Within(_runtimeApi.InvokeAsync(request));

        // The lines were written before the response was posted; reading the pipe may lag behind.
        var emf = await Within(WaitForLineAsync(l => l.Contains("\"Commands\"", StringComparison.Ordinal)));
        using var line = JsonDocument.Parse(emf);
        Assert.That(line.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString(), Is.EqualTo("CleanCqrs"));
        Assert.That(line.RootElement.GetProperty("Service").GetString(), Is.EqualTo("cleancqrs-aot"));
        Assert.That(line.RootElement.GetProperty("Command").GetString(), Is.EqualTo("RequestOtp"));
        Assert.That(line.RootElement.GetProperty("Outcome").GetString(), Is.EqualTo("ok"));
        Assert.That(line.RootElement.GetProperty("Commands").GetDouble(), Is.EqualTo(1));

        Assert.That(_stdout.Any(l => l.Contains("ColdStartInitDuration", StringComparison.Ordinal)), Is.True);
        foreach (var output in _stdout)
        {
            Assert.DoesNotThrow(() => JsonDocument.Parse(output).Dispose(), $"stdout line is JSON: {output}");
        }
    }

    private async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        while (true)
        {
            if (_stdout.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (_process.HasExited)
            {
                Assert.Fail($"The bootstrap exited with {_process.ExitCode}.");
            }

            await Task.Delay(50);
        }
    }

    private async Task<T> Within<T>(Task<T> task)
    {
        var finished = await Task.WhenAny(task, Task.Delay(InvocationLimit), _runtimeApi.InitError.Task);
        if (finished == _runtimeApi.InitError.Task)
        {
            Assert.Fail($"The bootstrap reported a start-up failure: {_runtimeApi.InitError.Task.Result.Body}");
        }

        if (finished != task)
        {
            Assert.Fail($"No answer within {InvocationLimit} (exited: {_process.HasExited}).");
        }

        return await task;
    }

    private static ushort ElfMachine(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using var file = File.OpenRead(path);
        file.ReadExactly(header);
        Assert.That(header[..4].SequenceEqual("\u007fELF"u8), Is.True, "an ELF executable");
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
    }

    private static void Keep(ConcurrentQueue<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }

    /// <summary>Newer than every input of the publish: the sources, the build settings and the publish script.</summary>
    private static bool IsFresh(string binary)
    {
        if (!File.Exists(binary))
        {
            return false;
        }

        var built = File.GetLastWriteTimeUtc(binary);
        var inputs = Directory.EnumerateFiles(RepositoryFiles.PathOf("src"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "deploy/publish-aot.sh" }.Select(RepositoryFiles.PathOf));
        return inputs.All(f => File.GetLastWriteTimeUtc(f) <= built);
    }

    private static async Task PublishAsync(string arch)
    {
        var start = new ProcessStartInfo("bash", ["deploy/publish-aot.sh", arch])
        {
            WorkingDirectory = RepositoryFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The test host's MSBuild variables would point the nested build at the wrong SDK pieces.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var publish = Process.Start(start)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(PublishLimit);
        var watch = Stopwatch.StartNew();
        await publish.WaitForExitAsync(limit.Token);
        TestContext.Progress.WriteLine($"published in {watch.Elapsed.TotalSeconds:0} s: {(await output).Trim().Split('\n').LastOrDefault()}");
        Assert.That(publish.ExitCode, Is.EqualTo(0), $"deploy/publish-aot.sh failed:\n{await output}\n{await errors}");
    }
}
