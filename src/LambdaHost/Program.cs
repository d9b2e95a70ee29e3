using System.Diagnostics;
using System.Runtime.InteropServices;
using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Infrastructure;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.LambdaHost.Operator;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost;

/// <summary>
/// One binary, two lives: with <c>AWS_LAMBDA_RUNTIME_API</c> set it is the custom runtime's
/// <c>bootstrap</c> (and touches nothing of local mode); otherwise a command line for local mode and
/// the operator commands.
/// </summary>
public static class Program
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static async Task<int> Main(string[] args)
    {
        if (new SettingsReader().Optional(RuntimeLoop.RuntimeApiVariable) is { } runtimeApi)
        {
            return await RunLambdaAsync(runtimeApi);
        }

        using var shutdown = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return await RunCommandLineAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, shutdown.Token);

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            shutdown.Cancel();
        }
    }

    /// <summary>Local mode and the operator commands; the exit code is 2 for a usage or settings error.</summary>
    public static async Task<int> RunCommandLineAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        OperatorInvocation? operatorCommand;
        try
        {
            operatorCommand = OperatorInvocation.Find(args);
        }
        catch (SettingsException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitUsage;
        }

        if (operatorCommand is not null)
        {
            return await OperatorCommands.RunAsync(operatorCommand, output, error, environment, cancellationToken);
        }

        HostOptions options;
        ServiceSettings settings;
        try
        {
            options = HostOptions.Parse(args);
            settings = options.Settings(environment);
        }
        catch (SettingsException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitUsage;
        }

        switch (options.Command)
        {
            case HostCommand.Help:
                await output.WriteLineAsync(HostOptions.Usage);
                await output.WriteLineAsync(OperatorInvocation.Usage);
                return ExitOk;
            case HostCommand.Provision:
                return await ProvisionAsync(settings, environment, output, error, cancellationToken);
        }

        try
        {
            var source = options.DataDirectory is not null ? "--data-dir"
                : new SettingsReader(environment).IsSet(ServiceSettings.DataDirectorySetting) ? ServiceSettings.DataDirectorySetting
                : "the data directory (default ./.data)";
            DataDirectory.Prepare(settings.DataDirectory, source);
        }
        catch (SettingsException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitUsage;
        }

        ServiceProvider provider;
        try
        {
            // The environment given here, not the process's: it names the store's tables and endpoint too.
            provider = Composition.BuildServiceProvider(
                settings, LogFormat.Text, services => services.AddInfrastructure(settings, environment));
        }
        catch (SettingsException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitUsage;
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync($"Start-up failed: {ex.Message}");
            return ExitFailure;
        }

        await using (provider)
        {
            return options.Command == HostCommand.RebuildProjections
                ? await RebuildProjectionsAsync(provider, output, error, cancellationToken)
                : await ServeAsync(provider, options.Url, settings, output, error, cancellationToken);
        }
    }

    private static async Task<int> ProvisionAsync(
        ServiceSettings settings, Func<string, string?> environment, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (settings.Store == StoreKind.Sqlite)
        {
            await output.WriteLineAsync(
                $"CLEANCQRS_STORE=sqlite: the SQLite store creates its schema itself on first use (in {settings.DataDirectory}); nothing to provision.");
            return ExitOk;
        }

        try
        {
            var names = DynamoDbTableNames.FromEnvironment(environment);
            using var client = DynamoDbClientFactory.Create(environment);
            var endpoint = DynamoDbClientFactory.Resolve(environment).ServiceUrl?.AbsoluteUri ?? "the AWS endpoint of the configured region";
            await output.WriteLineAsync($"Provisioning DynamoDB tables {names.Events} and {names.ReadModels} on {endpoint}...");
            await DynamoDbProvisioner.EnsureTablesAsync(client, names, cancellationToken);
            await output.WriteLineAsync("The tables exist and are active.");
            return ExitOk;
        }
        catch (SettingsException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitUsage;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await error.WriteLineAsync($"Provisioning failed: {ex.Message}");
            return ExitFailure;
        }
    }

    private static async Task<int> RebuildProjectionsAsync(
        IServiceProvider provider, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var mediator = provider.GetRequiredService<IMediator>();
        var progress = new ConsoleProgress(output);
        RebuildProgress result;
        try
        {
            result = await mediator.Send(new RebuildProjections(progress), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An operator command reports an unreachable or unprovisioned store like provision does, not with a stack trace.
            progress.Finish();
            await error.WriteLineAsync($"Rebuilding the read models failed: {ex.Message}");
            return ExitFailure;
        }

        progress.Finish();
        await output.WriteLineAsync($"Rebuilt the read models: {result.StreamsScanned} streams scanned, {result.StreamsProjected} projected.");
        return ExitOk;
    }

    private static async Task<int> ServeAsync(
        IServiceProvider provider, Uri url, ServiceSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!LocalServerFeature.IsSupported)
        {
            await error.WriteLineAsync(
                "This build is the Lambda bootstrap, without the local HTTP server; run local mode with 'dotnet run --project src/LambdaHost' " +
                "or publish with -p:LocalServerInAot=true.");
            return ExitUsage;
        }

        var baseUrl = url.GetLeftPart(UriPartial.Authority);
        await output.WriteLineAsync($"CleanCqrs local mode on {baseUrl} (data in {Path.GetFullPath(settings.DataDirectory)}). Ctrl-C stops it.");
        await output.WriteLineAsync("Try:");
        await output.WriteLineAsync(
            $"  curl -i -X POST {baseUrl}/otp -H 'Content-Type: application/json' -d '{{\"primary\":\"you@example.com\",\"role\":\"org\",\"country\":\"SG\"}}'");
        try
        {
            await LocalMode.RunAsync(provider, url, cancellationToken);
        }
        catch (IOException ex)
        {
            await error.WriteLineAsync($"Cannot listen on {baseUrl}: {ex.Message}");
            return ExitFailure;
        }

        await output.WriteLineAsync("Stopped.");
        return ExitOk;
    }

    private static async Task<int> RunLambdaAsync(string runtimeApi)
    {
        var started = Stopwatch.GetTimestamp();
        using var client = RuntimeLoop.CreateClient(runtimeApi);
        ServiceProvider? provider = null;
        Function function;
        try
        {
            provider = Composition.BuildServiceProvider(ServiceSettings.FromEnvironment(), LogFormat.JsonLines, validate: false);
            function = provider.GetRequiredService<Function>();
            await StartAsync(provider);
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"Start-up failed: {ex}");
            await RuntimeLoop.ReportInitErrorAsync(client, ex, CancellationToken.None);
            if (provider is not null)
            {
                await provider.DisposeAsync();
            }

            return ExitFailure;
        }

        await using (provider)
        {
            var logger = provider.GetRequiredService<ILogger<RuntimeLoop>>();
            var initialised = Stopwatch.GetElapsedTime(started);
            provider.GetRequiredService<IMetrics>().Duration(MetricNames.ColdStartInitDuration, initialised);
            logger.LogInformation("Initialised in {ElapsedMs:0} ms", initialised.TotalMilliseconds);
            using var shutdown = new CancellationTokenSource();
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                shutdown.Cancel();
            });
            // With the in-process broker (a test or benchmark setup; AWS uses SNS/SQS) nothing else
            // would deliver its messages: its pump runs whenever Lambda lets the process run.
            provider.GetService<BrokerPump>()?.Start(
                (batch, ct) => LocalMode.DeliverAsync(function, batch, logger, ct), shutdown.Token);
            try
            {
                await new RuntimeLoop(client, function, logger).RunAsync(shutdown.Token);
                return ExitOk;
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                return ExitOk;
            }
            catch (Exception ex)
            {
                logger.LogCritical(ex, "The runtime loop stopped");
                return ExitFailure;
            }
        }
    }

    /// <summary>
    /// The init-phase work the adapters asked for: every warm-up starts (secrets read, clients built)
    /// without blocking, then the start-up checks wait for the answers that can prove the configuration
    /// wrong, so a deployment that cannot work fails its init with the checks' message.
    /// </summary>
    public static async Task StartAsync(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        foreach (var warmup in provider.GetServices<IStartupWarmup>())
        {
            warmup.Warm();
        }

        foreach (var check in provider.GetServices<IStartupCheck>())
        {
            await check.CheckAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Reports synchronously, in order (<see cref="Progress{T}"/> would post to the thread pool and
    /// could print after the final line): one updating line on a terminal, every 100th stream otherwise.
    /// </summary>
    private sealed class ConsoleProgress(TextWriter output) : IProgress<RebuildProgress>
    {
        private readonly bool _interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        private bool _wroteLine;

        public void Report(RebuildProgress value)
        {
            if (_interactive)
            {
                output.Write($"\rstreams scanned: {value.StreamsScanned}, projected: {value.StreamsProjected}");
                _wroteLine = true;
            }
            else if (value.StreamsScanned % 100 == 0)
            {
                output.WriteLine($"streams scanned: {value.StreamsScanned}, projected: {value.StreamsProjected}");
            }
        }

        public void Finish()
        {
            if (_wroteLine)
            {
                output.WriteLine();
            }
        }
    }
}
