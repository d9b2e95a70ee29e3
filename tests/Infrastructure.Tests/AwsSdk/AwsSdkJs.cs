using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CleanCqrs.Infrastructure.Tests.AwsSdk;

/// <summary>One call for the AWS SDK for JavaScript v3 to build: service, operation and input as the SDK takes them.</summary>
/// <param name="Binary">Input members given here in base64 that the SDK takes as bytes (KMS blobs).</param>
internal sealed record SdkCall(string Service, string Operation, JsonObject Input, params string[] Binary);

/// <summary>
/// Runs tools/aws-sdk-check/capture.mjs: the official AWS SDK for JavaScript v3 (pinned there) builds
/// each call and records the HTTP request it would send, which never leaves the process.
/// </summary>
internal static class AwsSdkJs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The SDK clients capture.mjs loads; a tree installed before one was added lacks it.</summary>
    private static readonly string[] Clients = ["client-sns", "client-kms", "client-ssm"];

    public static async Task<IReadOnlyList<WireRequest>> CaptureAsync(params SdkCall[] calls)
    {
        var folder = Path.Combine(RepositoryRoot(), "tools", "aws-sdk-check");
        if (Clients.Any(client => !Directory.Exists(Path.Combine(folder, "node_modules", "@aws-sdk", client))))
        {
            throw new InvalidOperationException($"The AWS SDK for JavaScript is not installed: run `npm ci` in {folder} (./test.sh does).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("capture.mjs");
        start.Environment["NODE_NO_WARNINGS"] = "1";
        // The SDK reads endpoints, regions and profiles from the environment; the capture must not.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        var input = new JsonArray(calls.Select(c => (JsonNode)new JsonObject
        {
            ["service"] = c.Service,
            ["operation"] = c.Operation,
            ["input"] = c.Input.DeepClone(),
            ["binary"] = new JsonArray(c.Binary.Select(b => (JsonNode)JsonValue.Create(b)).ToArray()),
        }).ToArray());

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input.ToJsonString());
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"capture.mjs did not finish within {Timeout}: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"capture.mjs failed with exit code {process.ExitCode}: {await stderr}");
        }

        using var output = JsonDocument.Parse(await stdout);
        return output.RootElement.EnumerateArray()
            .Select(r => WireRequest.Parse(
                r.GetProperty("method").GetString()!,
                r.GetProperty("path").GetString()!,
                Header(r, "content-type"),
                Header(r, "x-amz-target"),
                r.GetProperty("body").GetString()!))
            .ToList();
    }

    private static string? Header(JsonElement request, string name) =>
        request.GetProperty("headers").TryGetProperty(name, out var value) ? value.GetString() : null;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CleanCqrs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CleanCqrs.sln not found above the test's directory.");
    }
}
