using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Bench.ColdStart;
using CleanCqrs.Bench.InProcess;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Bench.Capacity;

/// <summary>
/// The function in Lambda mode (its own Runtime API, as Lambda runs a custom runtime) on dynalite,
/// fed a long run of API invocations one at a time, as one Lambda execution environment receives them:
/// peak RSS (<c>VmHWM</c>) at the end, and the time of each invocation by route.
/// </summary>
public static class LambdaMemory
{
    private static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(30);

    public static async Task WriteAsync(StringBuilder report, Uri dynamoDb, string label, string commandLine, int iterations)
    {
        var directory = Directory.CreateTempSubdirectory("cleancqrs-lambda-rss-").FullName;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var names = new DynamoDbTableNames($"rss-events-{suffix}", $"rss-read-models-{suffix}");
        var config = new AmazonDynamoDBConfig();
        new AwsClientSettings(dynamoDb, AwsClientSettings.LocalRegion, UseLocalCredentials: true).ApplyTo(config);
        using (var client = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config))
        {
            await DynamoDbProvisioner.EnsureTablesAsync(client, names, CancellationToken.None);
        }

        // Tokens signed with the key file the function will find in the same data directory.
        var tokens = new List<(string Subject, string Token)>();
        var settings = new ServiceSettings { DataDirectory = directory };
        await using (var security = new ServiceCollection().AddLocalSecurity(directory, settings.TokenIssuer, settings.TokenLifetime).BuildServiceProvider())
        {
            var issuer = security.GetRequiredService<ITokenIssuer>();
            for (var i = 0; i < iterations; i++)
            {
                var subject = Guid.NewGuid().ToString();
                tokens.Add((subject, (await issuer.IssueAsync(new TokenClaims(subject, Roles.Org, "SG"), CancellationToken.None)).Token));
            }
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ServiceSettings.StoreSetting] = "dynamodb",
            [ServiceSettings.BrokerSetting] = "inproc",
            [ServiceSettings.SecuritySetting] = "local",
            [ServiceSettings.DeliverySetting] = "mailbox",
            [DynamoDbTableNames.EventsSetting] = names.Events,
            [DynamoDbTableNames.ReadModelsSetting] = names.ReadModels,
            [DynamoDbClientFactory.ServiceEndpointSetting] = dynamoDb.AbsoluteUri,
            ["AWS_ACCESS_KEY_ID"] = "local",
            ["AWS_SECRET_ACCESS_KEY"] = "local",
            ["AWS_REGION"] = AwsClientSettings.LocalRegion,
        };
        var command = FunctionCommand.Parse(label, commandLine);
        var times = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var afterFirst = 0L;
        long? peak;
        await using (var session = FunctionSession.Create(command, directory, environment))
        {
            session.Start();
            await session.ExpectAsync(SignalKind.NextRequested, TimeSpan.FromSeconds(60));
            for (var i = 0; i < iterations; i++)
            {
                var (subject, token) = tokens[i];
                var org = $"{{\"name\":\"Acme {i}\",\"location\":\"Jakarta\",\"description\":\"Warehousing and last-mile delivery in Greater Jakarta.\"}}";
                await InvokeAsync(session, times, "POST /otp", HttpApiEvents.Build("POST", "/otp", null, null,
                    $"{{\"primary\":\"ops{i}.{suffix}@rss.example\",\"role\":\"org\",\"country\":\"SG\"}}"));
                await InvokeAsync(session, times, "POST /orgs", HttpApiEvents.Build("POST", "/orgs", null, token, org));
                await InvokeAsync(session, times, "PUT /orgs/{id}", HttpApiEvents.Build("PUT", $"/orgs/{subject}", null, token, org.Replace("Acme", "Acme Pte", StringComparison.Ordinal)));
                // 200 once the in-process broker has projected version 2, 202 while it is behind.
                await InvokeAsync(session, times, "GET /orgs/{id}?minVersion=2", HttpApiEvents.Build("GET", $"/orgs/{subject}", "minVersion=2", null, null));
                if (i == 0)
                {
                    afterFirst = session.PeakResidentKiB() ?? 0;
                }
            }

            peak = session.PeakResidentKiB();
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }

        report.AppendLine(CultureInfo.InvariantCulture,
            $"### Lambda mode, `{command.Display}`: {iterations * 4} invocations in one execution environment").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"- Peak RSS (`VmHWM`): **{peak / 1024.0:F1} MiB** after all of them; {afterFirst / 1024.0:F1} MiB after the first four.");
        report.AppendLine("- Store DynamoDB (dynalite on loopback), in-process broker (its pump runs in Lambda mode when configured), local keys, dev mailbox; one invocation at a time, as Lambda gives an environment.").AppendLine();
        var table = new MarkdownTable(1, "route", "invocations", "median (ms)", "p90 (ms)", "p99 (ms)");
        foreach (var (route, values) in times)
        {
            var summary = Summary.Of(values);
            table.Add(route, values.Count.ToString(CultureInfo.InvariantCulture), summary.Median.ToString("F2", CultureInfo.InvariantCulture),
                summary.P90.ToString("F2", CultureInfo.InvariantCulture), summary.P99.ToString("F2", CultureInfo.InvariantCulture));
        }

        report.AppendLine(table.ToString()).AppendLine();
    }

    private static async Task InvokeAsync(FunctionSession session, Dictionary<string, List<double>> times, string route, byte[] payload)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await session.InvokeAsync(payload, InvocationTimeout);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await session.ExpectAsync(SignalKind.NextRequested, InvocationTimeout);
        var status = (int?)JsonNode.Parse(response.Body)?["statusCode"] ?? 0;
        if (status is < 200 or >= 300)
        {
            throw new InvalidOperationException($"{route} answered {status}: {response.BodyText}");
        }

        if (!times.TryGetValue(route, out var list))
        {
            times[route] = list = [];
        }

        list.Add(elapsed);
    }
}
