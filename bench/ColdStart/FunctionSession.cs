using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CleanCqrs.Bench.ColdStart;

/// <summary>
/// One function process attached to its own Runtime API emulator: the process is started once, fed
/// invocations, watched, and killed. Failures (a crash, an init or invocation error, a timeout) throw
/// <see cref="FunctionFailedException"/> carrying the tail of the function's own output.
/// </summary>
internal sealed class FunctionSession : IAsyncDisposable
{
    private const int OutputTailChars = 16 * 1024;

    private readonly RuntimeApiEmulator _emulator;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();
    private Task? _exited;

    private FunctionSession(FunctionCommand command, string dataDirectory, IEnumerable<KeyValuePair<string, string>> environment)
    {
        Command = command;
        _emulator = RuntimeApiEmulator.Start();
        var start = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // What Lambda sets for a custom runtime; the caller's --env entries come last and win.
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = _emulator.Address;
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = "cleancqrs-bench";
        start.Environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
        start.Environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        start.Environment["_HANDLER"] = "bootstrap";
        start.Environment["TZ"] = "UTC";
        start.Environment["CLEANCQRS_DATA_DIR"] = dataDirectory;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value.Replace("{dataDir}", dataDirectory, StringComparison.Ordinal);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
    }

    public FunctionCommand Command { get; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> taken just before the process was started.</summary>
    public long StartedAt { get; private set; }

    public static FunctionSession Create(FunctionCommand command, string dataDirectory, IEnumerable<KeyValuePair<string, string>> environment) =>
        new(command, dataDirectory, environment);

    public void Enqueue(byte[] eventPayload) => _emulator.Enqueue(eventPayload);

    public void Start()
    {
        StartedAt = Stopwatch.GetTimestamp();
        try
        {
            _process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FunctionFailedException($"{Command.Label}: could not start '{Command.Display}': {e.Message}", "");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _exited = _process.WaitForExitAsync();
    }

    /// <summary>Waits for the next thing the function does and checks that it is <paramref name="expected"/>.</summary>
    public async Task<RuntimeApiSignal> ExpectAsync(SignalKind expected, TimeSpan timeout)
    {
        var signal = await NextSignalAsync(timeout, $"waiting for {Describe(expected)}");
        return signal.Kind == expected
            ? signal
            : throw Failed($"expected {Describe(expected)} but the function sent {Describe(signal.Kind)}"
                           + (signal.Body.Length > 0 ? $": {signal.BodyText}" : "")
                           + (signal.ErrorType is { } type ? $" (error type {type})" : ""));
    }

    /// <summary>Feeds one invocation to an idle function and returns its response.</summary>
    public async Task<RuntimeApiSignal> InvokeAsync(byte[] eventPayload, TimeSpan timeout)
    {
        Enqueue(eventPayload);
        return await ExpectAsync(SignalKind.Response, timeout);
    }

    /// <summary>Peak resident set size so far (<c>VmHWM</c>), in KiB; <see langword="null"/> where /proc is not available.</summary>
    public long? PeakResidentKiB()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var number = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(number, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }

        return null;
    }

    public string OutputTail()
    {
        lock (_outputGate)
        {
            return _output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_exited is not null)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            await _exited.WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        await _emulator.DisposeAsync();
    }

    private async Task<RuntimeApiSignal> NextSignalAsync(TimeSpan timeout, string waitingFor)
    {
        if (_exited is null)
        {
            throw new InvalidOperationException("the function was not started");
        }

        using var cancel = new CancellationTokenSource();
        var read = _emulator.Signals.ReadAsync(cancel.Token).AsTask();
        var finished = await Task.WhenAny(read, _exited, Task.Delay(timeout, cancel.Token));
        if (read.IsCompletedSuccessfully)
        {
            await cancel.CancelAsync();
            return read.Result;
        }

        // The signal a dying process posted is written before its 202 went out, so it is never lost here.
        await cancel.CancelAsync();
        if (finished == _exited)
        {
            // Let the output readers drain what the process printed last.
            await Task.Delay(100);
            throw Failed($"the process exited with code {_process.ExitCode} while {waitingFor}");
        }

        throw Failed($"timed out after {timeout.TotalSeconds} s {waitingFor}");
    }

    private FunctionFailedException Failed(string problem) =>
        new($"{Command.Label} ({Command.Display}): {problem}", OutputTail());

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputGate)
        {
            _output.AppendLine(line);
            if (_output.Length > OutputTailChars)
            {
                _output.Remove(0, _output.Length - OutputTailChars);
            }
        }
    }

    private static string Describe(SignalKind kind) => kind switch
    {
        SignalKind.NextRequested => "GET /runtime/invocation/next",
        SignalKind.Response => "POST /runtime/invocation/{id}/response",
        SignalKind.InvocationError => "POST /runtime/invocation/{id}/error",
        SignalKind.InitError => "POST /runtime/init/error",
        _ => kind.ToString(),
    };
}

/// <summary>The function did not behave; <see cref="Output"/> is the tail of what it printed.</summary>
internal sealed class FunctionFailedException(string message, string output) : Exception(message)
{
    public string Output { get; } = output;
}
