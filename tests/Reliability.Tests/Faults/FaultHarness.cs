using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Reliability.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Reliability.Tests.Faults;

/// <summary>The service as the fault tests run it: one fault injected by a decorator, every read-model apply counted.</summary>
internal static class FaultHarness
{
    public static Task<ServiceHarness> StartAsync(
        StoreKind store, Action<IServiceCollection> injectFault, Action<CountingReadModelStore<OrgReadModel>> counting) =>
        ServiceHarness.StartAsync(new HarnessOptions
        {
            Store = store,
            // Short, so the periodic sweeper races the requests that publish their own commits.
            SweepInterval = TimeSpan.FromMilliseconds(200),
            Configure = services =>
            {
                injectFault(services);
                services.Decorate<IReadModelStore<OrgReadModel>>((inner, _) =>
                {
                    var counted = new CountingReadModelStore<OrgReadModel>(inner);
                    counting(counted);
                    return counted;
                });
            },
        });

    /// <summary>A token for each org the commands touch, issued before the load starts.</summary>
    public static async Task<Dictionary<string, string>> TokensAsync(this ServiceHarness service, IEnumerable<OrgCommand> commands)
    {
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var orgId in commands.Select(c => c.OrgId).Distinct())
        {
            tokens[orgId] = await service.TokenAsync(orgId);
        }

        return tokens;
    }
}
