using CleanCqrs.Application.Common.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanCqrs.Infrastructure.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>Delivers OTPs to the local dev mailbox, <c>&lt;data-dir&gt;/outbox.jsonl</c> (local mode only).</summary>
    public static IServiceCollection AddDevMailbox(this IServiceCollection services, string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        services.TryAddSingleton(TimeProvider.System);
        return services.AddSingleton<IOtpSender>(sp => new DevMailboxSender(dataDirectory, sp.GetRequiredService<TimeProvider>()));
    }
}
