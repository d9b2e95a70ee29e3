using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace CleanCqrs.TestSupport;

/// <summary>
/// A process the tests start and kill, with its standard output and error captured (up to a limit,
/// so a chatty process cannot fill the test's memory) for failure messages.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly int _maxOutputChars;

    private ChildProcess(Process process, int maxOutputChars)
    {
        Process = process;
        _maxOutputChars = maxOutputChars;
    }

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="start"/> with its output redirected; <paramref name="cannotStart"/> explains a
    /// missing executable in the <see cref="InvalidOperationException"/> thrown then.
    /// </summary>
    public static ChildProcess Start(ProcessStartInfo start, int maxOutputChars, string cannotStart)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(cannotStart, ex);
        }

        var child = new ChildProcess(process, maxOutputChars);
        process.OutputDataReceived += child.Capture;
        process.ErrorDataReceived += child.Capture;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Kills the process and its children (SIGKILL on Linux: no shutdown code runs) and waits for the exit.</summary>
    public void Kill(TimeSpan waitForExit)
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        Process.WaitForExit(waitForExit);
    }

    public void Dispose()
    {
        Kill(TimeSpan.FromSeconds(10));
        Process.Dispose();
    }

    private void Capture(object sender, DataReceivedEventArgs e)
    {
        lock (_output)
        {
            if (e.Data is { } line && _output.Length < _maxOutputChars)
            {
                _output.AppendLine(line);
            }
        }
    }
}
