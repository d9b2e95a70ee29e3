using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace CleanCqrs.Bench.Load;

/// <summary>Closed-loop HTTP load against the local service, on loopback only.</summary>
public static class Program
{
    private const string Usage = """
        usage: Load --url http://127.0.0.1:PORT [options]

          --url URL                the running service (loopback only)
          --scenario orgs|otp      orgs (default): each user signs in, creates its org, loops PUT /orgs/{id};
                                   otp: POST /otp with a distinct phone number each time
          --data-dir DIR           the service's data directory, to read OTP codes from its dev mailbox (orgs)
          --concurrency N          virtual users, each with at most one request in flight (default 8, at most 256)
          --warmup DURATION        sent but not counted (default 3s)
          --duration DURATION      measured (default 20s, at most 10m)
          --max-requests N         stop the measured phase after this many requests (default 1000000)
          --timeout DURATION       per request (default 10s)
          --measure-projection     orgs only: afterwards, time until every org's read model is at its last version
          --projection-timeout D   give up waiting for read models after this long (default 30s)
          --server-label TEXT      what serves the URL, for the report (e.g. "JIT, SQLite + in-process broker")
          --out FILE               also write the Markdown report there
        """;

    private static readonly string[] ValueOptions =
        ["--url", "--scenario", "--data-dir", "--concurrency", "--warmup", "--duration", "--max-requests", "--timeout", "--projection-timeout", "--server-label", "--out"];

    private static readonly string[] FlagOptions = ["--measure-projection", "--help"];

    public static async Task<int> Main(string[] args)
    {
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };

        try
        {
            var line = CommandLine.Parse(args, ValueOptions, FlagOptions);
            if (line.Flag("--help"))
            {
                Console.WriteLine(Usage);
                return 0;
            }

            var options = LoadOptions.From(line);
            var report = await RunAsync(options, interrupted.Token);
            Console.Write(report);
            if (options.OutFile is { } outFile)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
                await File.WriteAllTextAsync(outFile, report, CancellationToken.None);
                Console.Error.WriteLine($"report written to {outFile}");
            }

            return 0;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"Load: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (Exception e) when (e is SetupException or TimeoutException or HttpRequestException or OperationCanceledException)
        {
            Console.Error.WriteLine($"Load: {e.Message}");
            return 1;
        }
    }

    private static async Task<string> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        using var client = new ServiceClient(options.Url, options.Users, options.RequestTimeout);
        await CheckReachableAsync(client, cancellationToken);

        IScenario scenario = options.Scenario == "orgs"
            ? new OrgsScenario(client, options.DataDirectory!, options.Users)
            : new OtpScenario(client);
        var loadBefore = MachineLoad.OneMinuteAverage();
        var setupStarted = DateTime.UtcNow;
        await scenario.SetupAsync(cancellationToken);
        var setup = DateTime.UtcNow - setupStarted;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"set up {options.Users} users in {setup.TotalSeconds:F1} s; warm-up {options.Warmup.TotalSeconds:F0} s, then measuring {options.Duration.TotalSeconds:F0} s"));

        var load = await LoadRunner.RunAsync(scenario, options.Users, options.Warmup, options.Duration, options.MaxRequests, cancellationToken);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{load.Requests} requests measured"));

        ProjectionResult? projection = null;
        if (options.MeasureProjection && scenario is OrgsScenario orgs)
        {
            projection = await ProjectionMeter.MeasureAsync(client, orgs.Orgs, load, options.ProjectionTimeout, cancellationToken);
        }

        return Render(options, scenario, setup, load, projection, $"{loadBefore} before, {MachineLoad.OneMinuteAverage()} after");
    }

    private static async Task CheckReachableAsync(ServiceClient client, CancellationToken cancellationToken)
    {
        Reply reply;
        try
        {
            reply = await client.SendAsync(HttpMethod.Get, "/.well-known/jwks.json", null, null, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new SetupException($"nothing answers at {client.BaseUrl} ({e.Message}); start the service first (bench/run-load.sh does)");
        }

        if (reply.Status != 200)
        {
            throw new SetupException($"GET {client.BaseUrl}/.well-known/jwks.json answered {reply.Status}; is this the CleanCqrs service?");
        }
    }

    private static string Render(LoadOptions options, IScenario scenario, TimeSpan setup, LoadResult load, ProjectionResult? projection, string loadAverage)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Load: scenario `{scenario.Name}` against {options.Url}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- When: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores (shared by the service and this generator), {RuntimeInformation.OSDescription.Trim()}; 1-minute load average {loadAverage}");
        if (options.ServerLabel is { } server)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- Service: {server}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"- Closed loop, {load.Users} virtual users: {scenario.Describe}");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"- Setup {setup.TotalSeconds:F1} s (not counted), warm-up {load.Warmup.TotalSeconds:F0} s (not counted), measured {load.Measured.TotalSeconds:F1} s"));
        text.AppendLine();

        var latency = new MarkdownTable(0, "requests", "seconds", "requests/s", "p50 (ms)", "p90 (ms)", "p99 (ms)", "max (ms)");
        var seconds = load.Measured.TotalSeconds;
        latency.Add(
            load.Requests.ToString(CultureInfo.InvariantCulture),
            MarkdownTable.Number(seconds),
            MarkdownTable.Number(seconds > 0 ? load.Requests / seconds : double.NaN),
            MarkdownTable.Number(load.LatencyMs.Median, 2),
            MarkdownTable.Number(load.LatencyMs.P90, 2),
            MarkdownTable.Number(load.LatencyMs.P99, 2),
            MarkdownTable.Number(load.LatencyMs.Max, 2));
        text.Append(latency);
        text.AppendLine();

        var outcomes = new MarkdownTable(1, "status", "count", "share");
        foreach (var (outcome, count) in load.Outcomes.OrderByDescending(o => o.Value))
        {
            outcomes.Add(outcome, count.ToString(CultureInfo.InvariantCulture), MarkdownTable.Number(100.0 * count / Math.Max(1, load.Requests)) + " %");
        }

        text.Append(outcomes);

        if (projection is not null)
        {
            text.AppendLine();
            text.AppendLine("### Read models catching up (`--measure-projection`)");
            text.AppendLine();
            text.AppendLine("Backlog = acknowledged versions minus projected versions, summed over orgs, read right after the load stopped; " +
                            "catch-up = from the load stopping until every org answers `GET /orgs/{id}?minVersion=<last acknowledged version>` with 200; " +
                            "drain rate = backlog / catch-up; projection throughput = events written during the load / (load time + catch-up).");
            text.AppendLine();
            var table = new MarkdownTable(0, "orgs", "events appended", "during load", "backlog at stop", "catch-up (s)", "drain rate (events/s)", "projection throughput (events/s)");
            var catchUp = projection.CatchUp.TotalSeconds;
            table.Add(
                projection.Orgs.ToString(CultureInfo.InvariantCulture),
                projection.EventsAppended.ToString(CultureInfo.InvariantCulture),
                projection.EventsDuringLoad.ToString(CultureInfo.InvariantCulture),
                projection.BacklogAtStop.ToString(CultureInfo.InvariantCulture),
                MarkdownTable.Number(catchUp, 3),
                // Below a tenth of a second the catch-up is mostly polling granularity; a rate from it would be noise.
                catchUp < 0.1 ? "n/a (kept up)" : MarkdownTable.Number(projection.BacklogAtStop / catchUp, 0),
                MarkdownTable.Number(projection.EventsDuringLoad / (projection.LoadPhase.TotalSeconds + catchUp), 0));
            text.Append(table);
            if (projection.NotCaughtUp > 0)
            {
                text.AppendLine();
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"**{projection.NotCaughtUp} of {projection.Orgs} orgs had not caught up after {options.ProjectionTimeout.TotalSeconds:F0} s.**");
            }
        }

        text.AppendLine();
        return text.ToString();
    }
}

internal sealed record LoadOptions(
    Uri Url,
    string Scenario,
    string? DataDirectory,
    int Users,
    TimeSpan Warmup,
    TimeSpan Duration,
    long MaxRequests,
    TimeSpan RequestTimeout,
    bool MeasureProjection,
    TimeSpan ProjectionTimeout,
    string? ServerLabel,
    string? OutFile)
{
    public static LoadOptions From(CommandLine line)
    {
        var url = line.Value("--url") is { } raw && Uri.TryCreate(raw, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? parsed
            : throw new UsageException("--url must be an absolute http URL, e.g. http://127.0.0.1:5080");
        var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
        if (!loopback)
        {
            throw new UsageException($"--url must point at this machine (loopback), not {url.Host}");
        }

        var scenario = line.Value("--scenario") ?? "orgs";
        if (scenario is not ("orgs" or "otp"))
        {
            throw new UsageException($"--scenario must be orgs or otp, not '{scenario}'");
        }

        var dataDirectory = line.Value("--data-dir");
        if (scenario == "orgs" && (dataDirectory is null || !Directory.Exists(dataDirectory)))
        {
            throw new UsageException("the orgs scenario needs --data-dir: the running service's data directory (its dev mailbox holds the OTP codes)");
        }

        if (line.Flag("--measure-projection") && scenario != "orgs")
        {
            throw new UsageException("--measure-projection goes with --scenario orgs");
        }

        return new LoadOptions(
            url,
            scenario,
            dataDirectory,
            line.WholeNumber("--concurrency", 8, 1, 256),
            line.Duration("--warmup", TimeSpan.FromSeconds(3), TimeSpan.Zero, TimeSpan.FromMinutes(5)),
            line.Duration("--duration", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
            line.WholeNumber("--max-requests", 1_000_000, 1, 10_000_000),
            line.Duration("--timeout", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2)),
            line.Flag("--measure-projection"),
            line.Duration("--projection-timeout", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
            line.Value("--server-label"),
            line.Value("--out"));
    }
}
