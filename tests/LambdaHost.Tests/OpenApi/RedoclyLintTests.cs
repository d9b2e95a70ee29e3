using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CleanCqrs.LambdaHost.Tests.OpenApi;

/// <summary>
/// <c>docs/openapi.yaml</c> under <c>@redocly/cli lint</c> with the recommended rules (pinned in
/// tools/redocly, installed by ./test.sh): not one error and not one warning.
/// </summary>
public sealed class RedoclyLintTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Test]
    public async Task Document_passes_redocly_lint_with_the_recommended_rules_without_a_problem()
    {
        var root = OpenApiDocument.RepositoryRoot();
        var cli = Path.Combine(root, "tools", "redocly", "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.That(File.Exists(cli), Is.True, $"@redocly/cli is not installed ({cli} is missing): run `npm ci` in tools/redocly (./test.sh does).");

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { cli, "lint", "--extends=recommended", "--format=json", Path.Combine("docs", "openapi.yaml") })
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry and no update check: the tests never reach beyond loopback.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(Bound);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var report = JsonNode.Parse(await output)!;

        var totals = report["totals"]!;
        var problems = string.Join("\n", report["problems"]!.AsArray().Select(p =>
            $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}"));
        Assert.Multiple(() =>
        {
            Assert.That(totals["errors"]!.GetValue<int>(), Is.Zero, problems);
            Assert.That(totals["warnings"]!.GetValue<int>(), Is.Zero, problems);
            Assert.That(process.ExitCode, Is.Zero, errors.Result);
        });
    }
}
