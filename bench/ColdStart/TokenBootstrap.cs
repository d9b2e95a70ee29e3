using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CleanCqrs.Bench.ColdStart;

/// <summary>
/// Gets an org token the way a client would: <c>POST /otp</c>, the code from the dev mailbox,
/// <c>POST /otp/verify</c>. It runs the same binary once in local mode (no <c>AWS_LAMBDA_RUNTIME_API</c>,
/// <c>--urls</c> and <c>--data-dir</c>), because delivery to the dev mailbox is an event handler behind
/// the in-process broker, whose delivery pump is part of local mode; a Lambda execution environment
/// delivers through SQS instead. The data directory it leaves behind holds the key files that make the
/// token verify in every fresh data directory they are copied into.
/// </summary>
internal static class TokenBootstrap
{
    private const string Primary = "coldstart@example.com";

    public static async Task<(string Token, string DataDirectory)> RunAsync(
        FunctionCommand command, IReadOnlyList<KeyValuePair<string, string>> environment, TimeSpan timeout)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("cleancqrs-coldstart-token-").FullName;
        var url = $"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
        Console.Error.WriteLine($"obtaining an org token from {command.Label} in local mode on {url} (data in {dataDirectory})");

        var start = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in command.Arguments.Concat(["--urls", url, "--data-dir", dataDirectory]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("AWS_LAMBDA_RUNTIME_API");
        start.Environment["CLEANCQRS_DATA_DIR"] = dataDirectory;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value.Replace("{dataDir}", dataDirectory, StringComparison.Ordinal);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Capture(output, e.Data);
        process.ErrorDataReceived += (_, e) => Capture(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = timeout };
            await WaitUntilServingAsync(http, process, output, timeout);

            var requested = await PostAsync(http, "/otp", JsonBody.Of(("primary", Primary), ("role", "org"), ("country", "ID")), output);
            var otpId = JsonBody.ReadString(requested, "otpId")
                        ?? throw new InvalidDataException($"POST /otp answered without an otpId: {requested}");
            var code = await DevMailbox.WaitForCodeAsync(dataDirectory, otpId, timeout, CancellationToken.None);
            var verified = await PostAsync(http, "/otp/verify",
                JsonBody.Of(("primary", Primary), ("role", "org"), ("country", "ID"), ("otpId", otpId), ("code", code)), output);
            var token = JsonBody.ReadString(verified, "token")
                        ?? throw new InvalidDataException($"POST /otp/verify answered without a token: {verified}");
            return (token, dataDirectory);
        }
        catch
        {
            Program.TryDelete(dataDirectory);
            throw;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static async Task WaitUntilServingAsync(HttpClient http, Process process, StringBuilder output, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new FunctionFailedException($"in local mode the function exited with code {process.ExitCode} before it served", Snapshot(output));
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/.well-known/jwks.json", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new FunctionFailedException($"in local mode the function did not serve within {timeout.TotalSeconds} s", Snapshot(output));
            }

            await Task.Delay(50);
        }
    }

    private static async Task<string> PostAsync(HttpClient http, string path, byte[] body, StringBuilder output)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? text
            : throw new FunctionFailedException($"in local mode POST {path} answered {(int)response.StatusCode}: {text}", Snapshot(output));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static void Capture(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
