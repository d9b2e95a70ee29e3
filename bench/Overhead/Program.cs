using System.Globalization;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CleanCqrs.Bench;
using CleanCqrs.Bench.InProcess;
using CleanCqrs.Bench.Overhead;

// bench/Overhead: the cost of one invocation in the host and pipeline against the JSON floor.
//   dotnet run -c Release --project bench/Overhead -- [--out FILE] [--iterations N] [--invocations N]
var options = CleanCqrs.Bench.CommandLine.Parse(args, ["--out", "--iterations", "--invocations", "--artifacts"], ["--breakdown-only"]);
var output = options.Value("--out") ?? "bench/results/overhead.md";
var iterations = options.WholeNumber("--iterations", 15, 3, 100);
var invocations = options.WholeNumber("--invocations", 4096, 16, 1_048_576);
var artifacts = options.Value("--artifacts") ?? Path.Combine("bench", ".artifacts", "overhead");

// In-process: no separate build of a generated project per benchmark (minutes on two cores), and the
// same JIT and GC settings as this process. A fixed invocation count keeps the in-memory stream of
// the PUT benchmark (one commit per call) to a bounded size.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(6)
    .WithIterationCount(iterations)
    .WithInvocationCount(invocations)
    .WithUnrollFactor(16)
    .WithId("inprocess");
var config = DefaultConfig.Instance
    .AddJob(job)
    .AddColumn(StatisticColumn.Median)
    .WithArtifactsPath(artifacts)
    .WithOptions(ConfigOptions.DisableLogFile);

string breakdown;
using (var host = await OverheadHost.StartAsync())
{
    breakdown = AllocationBreakdown.Measure(host);
}

if (options.Flag("--breakdown-only"))
{
    Console.WriteLine(breakdown);
    return 0;
}

// Tiered JIT: code runs unoptimised until it has been called often and a background thread has
// recompiled it. Whichever benchmark ran first used to be measured partly on that early code (the
// GET floor came out slower than the larger PUT floor), so every path is run hot before any is timed.
using (var warm = new OverheadBenchmarks())
{
    warm.Setup();
    for (var i = 0; i < 20_000; i++)
    {
        warm.GetFloor();
        warm.PutFloor();
        await warm.GetOrg();
        if (i % 8 == 0)
        {
            await warm.PutOrg();
            await warm.ValidateToken();
            warm.VerifyImportingKey();
            warm.VerifyWithImportedKey();
        }
    }

    warm.Cleanup();
}

await Task.Delay(TimeSpan.FromSeconds(1));
var loadBefore = MachineInfo.LoadAverage();
var summary = BenchmarkRunner.Run<OverheadBenchmarks>(config);
var loadAfter = MachineInfo.LoadAverage();

var report = OverheadReport.Write(summary, job, loadBefore, loadAfter, iterations, invocations, breakdown);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, report);
Console.WriteLine(report);
return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;

internal static class OverheadReport
{
    private const double AllocationTargetBytes = 8 * 1024;
    private const double RatioTarget = 3;

    public static string Write(Summary summary, Job job, string loadBefore, string loadAfter, int iterations, int invocations, string breakdown)
    {
        var text = new StringBuilder();
        text.AppendLine("## Overhead: one invocation through the function against its floor").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- When and where: {MachineInfo.Describe()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- 1-minute load average {loadBefore} before, {loadAfter} after");
        text.AppendLine("- Command: `bench/run-overhead.sh` (BenchmarkDotNet 0.15.8, `[MemoryDiagnoser]`)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Job `{job.Id}`: in-process (InProcessEmitToolchain), every path run hot first (20,000 calls), then 1 launch, 6 warm-up and {iterations} measured iterations of {invocations:N0} invocations each, Release, workstation GC");
        text.AppendLine("- Host: `Composition.BuildServiceProvider(settings, LogFormat.None, …)` with the in-memory event and read-model stores of tests/TestSupport, a broker that keeps nothing, and the local `JwtTokenService` (RS256 key file in a temporary directory). The event is an API Gateway HTTP API v2 request as a mobile client's arrives (sizes below).");
        text.AppendLine("- Floor: `JsonSerializer.Deserialize(event, HttpApiRequest)` plus `SerializeToUtf8Bytes(response, HttpApiResponse)` of the response the function gave for that event, with the host's source-generated context.").AppendLine();

        var table = new MarkdownTable(2, "route", "benchmark", "mean (µs)", "median (µs)", "allocated (B/op)", "ratio to the group's first row (mean)");
        var verdicts = new List<string>();
        foreach (var group in summary.Reports.GroupBy(r => r.BenchmarkCase.Descriptor.Categories.FirstOrDefault() ?? string.Empty))
        {
            var floor = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
            foreach (var report in group)
            {
                var mean = report.ResultStatistics?.Mean ?? double.NaN;
                var median = report.ResultStatistics?.Median ?? double.NaN;
                var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                var ratio = floor?.ResultStatistics is { } f && !ReferenceEquals(floor, report) ? mean / f.Mean : double.NaN;
                table.Add(
                    group.Key,
                    report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                    MarkdownTable.Number(mean / 1000, 2),
                    MarkdownTable.Number(median / 1000, 2),
                    allocated?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a",
                    double.IsNaN(ratio) ? (report.BenchmarkCase.Descriptor.Baseline ? "1.00" : "n/a") : MarkdownTable.Number(ratio, 2));
                if (group.Key != OverheadBenchmarks.Parts && !report.BenchmarkCase.Descriptor.Baseline)
                {
                    verdicts.Add(
                        $"- {group.Key}: ratio {MarkdownTable.Number(ratio, 2)}× (target ≤ {RatioTarget}×): **{Verdict(ratio <= RatioTarget)}**; "
                        + $"allocated {allocated?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a"} B (target ≤ 8,192 B): **{Verdict(allocated is { } a && a <= AllocationTargetBytes)}**");
                }
            }
        }

        text.Append(table).AppendLine();
        text.AppendLine("Targets:").AppendLine();
        foreach (var verdict in verdicts)
        {
            text.AppendLine(verdict);
        }

        text.AppendLine().AppendLine("Where the bytes go (each stage run alone 2,000 times, bytes counted by `GC.GetAllocatedBytesForCurrentThread`):").AppendLine();
        text.Append(breakdown);

        return text.ToString();
    }

    private static string Verdict(bool met) => met ? "met" : "not met";
}
