using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace CleanCqrs.Bench.ColdStart;

/// <summary>
/// Cold-start benchmark of the Lambda function: plays the Lambda Runtime API on loopback, starts the
/// function fresh N times per command and measures init (process start to the first <c>next</c>), init
/// plus the first invocation (to the first posted response), and peak RSS.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: ColdStart (--aot COMMAND | --jit COMMAND)... [options]

          --aot COMMAND       the Native AOT bootstrap, e.g. --aot bench/.artifacts/aot/LambdaHost
          --jit COMMAND       the JIT build, e.g. --jit "dotnet bench/.artifacts/jit/LambdaHost.dll"
          --baseline COMMAND  another build measured in the same rounds (e.g. the AOT bootstrap before a change)
          --runs N            measured starts per command (default 15; at least 10 for numbers worth quoting)
          --warmup-starts N   unmeasured starts per command first, to warm the file cache (default 1)
          --env KEY=VALUE     extra environment for the function (repeatable); {dataDir} is replaced by the run's
                              fresh data directory, which is also CLEANCQRS_DATA_DIR and the working directory
          --event FILE        the first invocation's event (default: a generated HTTP API v2 POST /otp)
          --event-orgs        instead: obtain an org token once (POST /otp, dev mailbox, POST /otp/verify) and
                              invoke POST /orgs with it; the key files are copied into every fresh data directory
          --key-dir DIR       copy *.pem and *.key from DIR into every fresh data directory (for an --event with a token)
          --timeout DURATION  per step: start to next, invocation, ... (default 60s)
          --out FILE          also write the Markdown report there
          --keep              keep the temporary data directories
          --deployed          the deployed configuration: DynamoDB (dynalite), SNS and KMS (loopback stand-ins),
                              fresh tables per start; with --event-orgs the token is signed by the KMS stand-in
          --embedded-too      with --deployed: also measure the embedded configuration (SQLite, in-process broker,
                              key files) in the same rounds, labelled aot-emb / jit-emb, for the ratio
        """;

    private static readonly string[] ValueOptions =
        ["--aot", "--jit", "--baseline", "--runs", "--warmup-starts", "--env", "--event", "--key-dir", "--timeout", "--out"];

    private static readonly string[] FlagOptions = ["--event-orgs", "--keep", "--help", "--deployed", "--embedded-too"];

    public static async Task<int> Main(string[] args)
    {
        try
        {
            var line = CommandLine.Parse(args, ValueOptions, FlagOptions);
            if (line.Flag("--help"))
            {
                Console.WriteLine(Usage);
                return 0;
            }

            var options = ColdStartOptions.From(line);
            var report = await RunAsync(options);
            Console.Write(report);
            if (options.OutFile is { } outFile)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
                await File.WriteAllTextAsync(outFile, report);
                Console.Error.WriteLine($"report written to {outFile}");
            }

            return 0;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"ColdStart: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (FunctionFailedException e)
        {
            Console.Error.WriteLine($"ColdStart: {e.Message}");
            Console.Error.WriteLine("---- function output (tail) ----");
            Console.Error.WriteLine(e.Output.Length > 0 ? e.Output : "(nothing)");
            return 1;
        }
        catch (Exception e) when (e is InvalidDataException or TimeoutException or IOException)
        {
            Console.Error.WriteLine($"ColdStart: {e.Message}");
            return 1;
        }
    }

    private static async Task<string> RunAsync(ColdStartOptions options)
    {
        string? keyDirectory = options.KeyDirectory;
        string eventDescription;
        byte[] eventPayload;
        byte[]? embeddedOrgsEvent = null;
        string? tokenDirectory = null;
        string? embeddedTokenDirectory = null;
        await using var deployed = options.Deployed ? await DeployedServices.StartAsync() : null;
        try
        {
            if (options.OrgsEvent)
            {
                // The AOT bootstrap leaves local mode out (ADR 0022): sign in with the JIT build when there is one.
                var signIn = options.Commands.FirstOrDefault(c => c.Label == "jit") ?? options.Commands[0];
                // Deployed: the local-mode bootstrap needs the in-process broker (the dev mailbox is behind it).
                var bootstrapEnvironment = deployed is null
                    ? options.Environment
                    : [.. options.Environment, .. await deployed.FreshEnvironmentAsync(broker: "inproc")];
                var bootstrap = await TokenBootstrap.RunAsync(signIn, bootstrapEnvironment, options.StepTimeout);
                tokenDirectory = bootstrap.DataDirectory;
                keyDirectory = deployed is null ? bootstrap.DataDirectory : null;
                if (deployed is not null && options.EmbeddedToo)
                {
                    var embedded = await TokenBootstrap.RunAsync(signIn, options.Environment, options.StepTimeout);
                    embeddedTokenDirectory = embedded.DataDirectory;
                    embeddedOrgsEvent = ApiGatewayV2.Request("POST", "/orgs", JsonBody.Of(("name", "Acme"), ("location", "Jakarta")), embedded.Token);
                }

                eventPayload = ApiGatewayV2.Request("POST", "/orgs", JsonBody.Of(("name", "Acme"), ("location", "Jakarta")), bootstrap.Token);
                eventDescription = "HTTP API v2 `POST /orgs` {name: Acme, location: Jakarta} with an org Bearer token (key files copied into each fresh data directory)";
            }
            else if (options.EventFile is { } eventFile)
            {
                eventPayload = await File.ReadAllBytesAsync(eventFile);
                eventDescription = $"from `{eventFile}`";
            }
            else
            {
                eventPayload = ApiGatewayV2.Request("POST", "/otp", JsonBody.Of(("primary", "+6281234567890"), ("role", "worker"), ("country", "ID")));
                eventDescription = "HTTP API v2 `POST /otp` {primary: +6281234567890, role: worker, country: ID}";
            }

            var loadBefore = MachineLoad.OneMinuteAverage();
            var runs = options.Commands.Select(c => new MeasuredCommand(c, c.Label, deployed)).ToList();
            if (deployed is not null && options.EmbeddedToo)
            {
                runs.AddRange(options.Commands.Select(c => new MeasuredCommand(c, c.Label + "-emb", null)));
            }

            var samples = runs.ToDictionary(c => c.Label, _ => new List<StartSample>(), StringComparer.Ordinal);
            var firstResponses = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var round = -options.WarmupStarts; round < options.Runs; round++)
            {
                // Alternate the order each round so drift on a shared machine (other builds, thermal) hits both alike.
                var order = round % 2 == 0 ? runs : runs.AsEnumerable().Reverse();
                foreach (var command in order)
                {
                    var sample = command.Deployed is null && deployed is not null
                        ? await MeasureStartAsync(command.Command, options, embeddedOrgsEvent ?? eventPayload, embeddedTokenDirectory, null)
                        : await MeasureStartAsync(command.Command, options, eventPayload, keyDirectory, command.Deployed);
                    var label = round < 0 ? "warm-up" : $"#{round + 1}";
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{command.Label,-6} {label,-8} init {sample.InitMs,8:F1} ms   init+invoke {sample.FirstResponseMs,8:F1} ms   peak RSS {sample.PeakRssMiB,6:F1} MiB   -> {sample.Response.StatusCode}"));
                    firstResponses.TryAdd(command.Label, sample.Response.Raw);
                    if (round >= 0)
                    {
                        samples[command.Label].Add(sample);
                    }
                }
            }

            if (deployed is not null)
            {
                eventDescription += $"; {deployed.Description}; {deployed.Published} messages published to the SNS stand-in";
            }

            return Report.Render(options, eventDescription, samples, firstResponses, $"{loadBefore} before, {MachineLoad.OneMinuteAverage()} after");
        }
        finally
        {
            foreach (var directory in new[] { tokenDirectory, embeddedTokenDirectory })
            {
                if (directory is not null && !options.Keep)
                {
                    TryDelete(directory);
                }
            }
        }
    }

    private static async Task<StartSample> MeasureStartAsync(
        FunctionCommand command, ColdStartOptions options, byte[] eventPayload, string? keyDirectory, DeployedServices? deployed)
    {
        // Outside the measured window: the deployed configuration's fresh tables.
        IEnumerable<KeyValuePair<string, string>> environment = deployed is null
            ? options.Environment
            : [.. options.Environment, .. await deployed.FreshEnvironmentAsync()];
        var dataDirectory = Directory.CreateTempSubdirectory("cleancqrs-coldstart-").FullName;
        try
        {
            if (keyDirectory is not null)
            {
                CopyKeyFiles(keyDirectory, dataDirectory);
            }

            await using var session = FunctionSession.Create(command, dataDirectory, environment);
            session.Enqueue(eventPayload);
            session.Start();
            var next = await session.ExpectAsync(SignalKind.NextRequested, options.StepTimeout);
            var response = await session.ExpectAsync(SignalKind.Response, options.StepTimeout);
            await session.ExpectAsync(SignalKind.NextRequested, options.StepTimeout);
            var peak = session.PeakResidentKiB();

            var api = ApiResponse.Parse(response.BodyText);
            if (!api.IsSuccess)
            {
                throw new FunctionFailedException($"{command.Label}: the first invocation answered {api.StatusCode}, not 2xx: {api.Raw}", session.OutputTail());
            }

            return new StartSample(
                Milliseconds(session.StartedAt, next.Timestamp),
                Milliseconds(session.StartedAt, response.Timestamp),
                peak is { } kib ? kib / 1024.0 : double.NaN,
                api);
        }
        finally
        {
            if (!options.Keep)
            {
                TryDelete(dataDirectory);
            }
        }
    }

    internal static void CopyKeyFiles(string from, string to)
    {
        var keys = Directory.EnumerateFiles(from)
            .Where(f => f.EndsWith(".pem", StringComparison.Ordinal) || f.EndsWith(".key", StringComparison.Ordinal))
            .ToList();
        if (keys.Count == 0)
        {
            throw new IOException($"no key files (*.pem, *.key) in {from}");
        }

        foreach (var key in keys)
        {
            File.Copy(key, Path.Combine(to, Path.GetFileName(key)));
        }
    }

    internal static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"could not remove {directory}: {e.Message}");
        }
    }

    private static double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}

internal sealed record StartSample(double InitMs, double FirstResponseMs, double PeakRssMiB, ApiResponse Response)
{
    public double InvokeMs => FirstResponseMs - InitMs;
}

internal sealed record ColdStartOptions(
    IReadOnlyList<FunctionCommand> Commands,
    int Runs,
    int WarmupStarts,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string? EventFile,
    bool OrgsEvent,
    string? KeyDirectory,
    TimeSpan StepTimeout,
    string? OutFile,
    bool Keep,
    bool Deployed,
    bool EmbeddedToo)
{
    public static ColdStartOptions From(CommandLine line)
    {
        var commands = new List<FunctionCommand>();
        foreach (var label in new[] { "aot", "jit", "baseline" })
        {
            if (line.Value("--" + label) is { } command)
            {
                commands.Add(FunctionCommand.Parse(label, command));
            }
        }

        if (commands.Count == 0)
        {
            throw new UsageException("give at least one of --aot and --jit");
        }

        var environment = new List<KeyValuePair<string, string>>();
        foreach (var entry in line.Values("--env"))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--env takes KEY=VALUE, not '{entry}'");
            }

            environment.Add(new(entry[..equals], entry[(equals + 1)..]));
        }

        var eventFile = line.Value("--event");
        if (eventFile is not null && line.Flag("--event-orgs"))
        {
            throw new UsageException("--event and --event-orgs exclude each other");
        }

        if (eventFile is not null && !File.Exists(eventFile))
        {
            throw new UsageException($"the event file does not exist: {eventFile}");
        }

        var keyDirectory = line.Value("--key-dir");
        if (keyDirectory is not null && !Directory.Exists(keyDirectory))
        {
            throw new UsageException($"the key directory does not exist: {keyDirectory}");
        }

        var runs = line.WholeNumber("--runs", 15, 1, 1000);
        if (runs < 10)
        {
            Console.Error.WriteLine($"note: {runs} runs per command; use at least 10 for numbers worth quoting");
        }

        return new ColdStartOptions(
            commands,
            runs,
            line.WholeNumber("--warmup-starts", 1, 0, 10),
            environment,
            eventFile,
            line.Flag("--event-orgs"),
            keyDirectory,
            line.Duration("--timeout", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
            line.Value("--out"),
            line.Flag("--keep"),
            line.Flag("--deployed"),
            line.Flag("--embedded-too"));
    }
}

/// <summary>A command as measured: the deployed configuration's services, or none (embedded).</summary>
internal sealed record MeasuredCommand(FunctionCommand Command, string Label, DeployedServices? Deployed);

/// <summary>The Markdown report.</summary>
internal static class Report
{
    public static string Render(
        ColdStartOptions options, string eventDescription, Dictionary<string, List<StartSample>> samples, Dictionary<string, string> firstResponses, string loadAverage)
    {
        var text = new StringBuilder();
        text.AppendLine("## Cold start: Lambda function under an emulated Runtime API");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- When: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.OSArchitecture}; 1-minute load average {loadAverage}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Starts: {options.Runs} measured per command (after {options.WarmupStarts} unmeasured), interleaved, each a fresh process in a fresh data directory");
        foreach (var command in options.Commands)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- `{command.Label}`: `{command.Display}`");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"- Environment: {(options.Environment.Count == 0 ? "(none beyond the Lambda variables)" : string.Join(' ', options.Environment.Select(e => $"`{e.Key}={e.Value}`")))}, `CLEANCQRS_DATA_DIR`=<fresh temp dir>");
        text.AppendLine(CultureInfo.InvariantCulture, $"- First invocation: {eventDescription}");
        text.AppendLine("- init = process start to the first `GET /runtime/invocation/next`; init + first invoke = process start to the first `POST .../response`; peak RSS = `VmHWM` when the function asks for its second invocation");
        text.AppendLine();

        var metrics = new (string Name, Func<StartSample, double> Value, string Unit)[]
        {
            ("init", s => s.InitMs, "ms"),
            ("init + first invoke", s => s.FirstResponseMs, "ms"),
            ("first invoke alone", s => s.InvokeMs, "ms"),
            ("peak RSS", s => s.PeakRssMiB, "MiB"),
        };

        var table = new MarkdownTable(2, "metric", "command", "runs", "median", "p90", "min", "max");
        foreach (var (name, value, unit) in metrics)
        {
            foreach (var label in samples.Keys)
            {
                var summary = Summary.Of(samples[label].Select(value));
                table.Add($"{name} ({unit})", label, summary.Count.ToString(CultureInfo.InvariantCulture),
                    MarkdownTable.Number(summary.Median), MarkdownTable.Number(summary.P90), MarkdownTable.Number(summary.Min), MarkdownTable.Number(summary.Max));
            }
        }

        text.Append(table);

        if (samples.TryGetValue("aot", out var aotSamples) && samples.TryGetValue("jit", out var jitSamples))
        {
            text.AppendLine();
            var ratios = new MarkdownTable(1, "metric (median)", "aot", "jit", "JIT/AOT");
            foreach (var (name, value, unit) in metrics)
            {
                var aot = Summary.Of(aotSamples.Select(value)).Median;
                var jit = Summary.Of(jitSamples.Select(value)).Median;
                ratios.Add($"{name} ({unit})", MarkdownTable.Number(aot), MarkdownTable.Number(jit), MarkdownTable.Number(jit / aot, 2) + "×");
            }

            text.Append(ratios);
        }

        // --deployed --embedded-too: the deployed configuration against the embedded one, same binary, same rounds.
        var pairs = samples.Keys.Where(k => samples.ContainsKey(k + "-emb")).ToList();
        if (pairs.Count > 0)
        {
            text.AppendLine();
            var ratios = new MarkdownTable(1, "metric (median)", "command", "deployed", "embedded", "deployed/embedded");
            foreach (var (name, value, unit) in metrics)
            {
                foreach (var label in pairs)
                {
                    var deployedMedian = Summary.Of(samples[label].Select(value)).Median;
                    var embeddedMedian = Summary.Of(samples[label + "-emb"].Select(value)).Median;
                    ratios.Add($"{name} ({unit})", label, MarkdownTable.Number(deployedMedian), MarkdownTable.Number(embeddedMedian),
                        MarkdownTable.Number(deployedMedian / embeddedMedian, 2) + "×");
                }
            }

            text.Append(ratios);
        }

        text.AppendLine();
        foreach (var label in samples.Keys.Where(firstResponses.ContainsKey))
        {
            var raw = firstResponses[label].Trim();
            text.AppendLine(CultureInfo.InvariantCulture, $"First response from `{label}` (every response was checked to be a 2xx API response):");
            text.AppendLine();
            text.AppendLine("```json");
            text.AppendLine(raw.Length > 2000 ? raw[..2000] + " …" : raw);
            text.AppendLine("```");
            text.AppendLine();
        }

        return text.ToString();
    }
}
