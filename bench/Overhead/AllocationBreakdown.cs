using System.Globalization;
using System.Text.Json;
using CleanCqrs.Application.Orgs.Commands.UpdateOrg;
using CleanCqrs.Application.Orgs.Queries.GetOrg;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Lambda.Events;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Bench.Overhead;

/// <summary>
/// Where an invocation's bytes go: each stage of <c>Function.HandleAsync</c> run on its own, with the
/// bytes this thread allocated counted exactly (<see cref="GC.GetAllocatedBytesForCurrentThread"/>).
/// Every stage completes synchronously with the in-memory ports, so nothing runs on another thread.
/// </summary>
public static class AllocationBreakdown
{
    private const int Runs = 2_000;

    public static string Measure(OverheadHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var http = host.Services.GetRequiredService<HttpApi>();
        var mediator = host.Services.GetRequiredService<IMediator>();
        var tokens = host.Tokens;
        var caller = new TokenClaims(OverheadHost.OrgId, "org", "ID");
        var table = new MarkdownTable(2, "route", "stage", "allocated (B/op)");
        foreach (var (route, @event) in new[] { ("GET /orgs/{id}", host.GetEvent), ("PUT /orgs/{id}", host.PutEvent) })
        {
            var request = Read(@event);
            var mapped = ApiGatewayMapping.FromHttpApi(request, "bench");
            var response = http.HandleAsync(mapped, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var contract = ApiGatewayMapping.ToHttpApi(response);
            var isGet = route.StartsWith("GET", StringComparison.Ordinal);
            var stages = new List<(string, Action)>
            {
                ("whole invocation: Function.HandleAsync", () => host.Function.HandleAsync(@event, host.Context, CancellationToken.None).AsTask().GetAwaiter().GetResult()),
                ("1. JsonDocument.Parse + Deserialize(HttpApiRequest)", () => Read(@event)),
                ("2. ApiGatewayMapping.FromHttpApi", () => ApiGatewayMapping.FromHttpApi(request, "bench")),
                ("3. HttpApi.HandleAsync (route, auth, body, mediator, response)", () => http.HandleAsync(mapped, CancellationToken.None).AsTask().GetAwaiter().GetResult()),
                (isGet ? "3a. of which mediator.Send(GetOrg)" : "3a. of which mediator.Send(UpdateOrg)", isGet
                    ? () => mediator.Send(new GetOrg(OverheadHost.OrgId, null)).AsTask().GetAwaiter().GetResult()
                    : () => mediator.Send(new UpdateOrg(caller, OverheadHost.OrgId, "Acme Logistics", "Jakarta", "Warehousing and last-mile delivery in Greater Jakarta.", ExpectedVersion.Any)).AsTask().GetAwaiter().GetResult()),
                ("4. ApiGatewayMapping.ToHttpApi", () => ApiGatewayMapping.ToHttpApi(response)),
                ("5. SerializeToUtf8Bytes(HttpApiResponse)", () => JsonSerializer.SerializeToUtf8Bytes(contract, LambdaJson.Context.HttpApiResponse)),
            };
            if (!isGet)
            {
                stages.Insert(5, ("3b. of which JwtTokenService.ValidateAsync", () => tokens.ValidateAsync(host.Token, CancellationToken.None).AsTask().GetAwaiter().GetResult()));
            }

            foreach (var (stage, action) in stages)
            {
                table.Add(route, stage, BytesPerRun(action).ToString("N0", CultureInfo.InvariantCulture));
            }
        }

        return $"Event sizes: GET {host.GetEvent.Length:N0} B, PUT {host.PutEvent.Length:N0} B (with a {host.Token.Length}-character bearer token).{Environment.NewLine}{Environment.NewLine}{table}";
    }

    private static HttpApiRequest Read(byte[] @event)
    {
        using var document = JsonDocument.Parse(@event, new JsonDocumentOptions { MaxDepth = 64 });
        return document.RootElement.Deserialize(LambdaJson.Context.HttpApiRequest)!;
    }

    private static long BytesPerRun(Action action)
    {
        for (var i = 0; i < 100; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Runs; i++)
        {
            action();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Runs;
    }
}
