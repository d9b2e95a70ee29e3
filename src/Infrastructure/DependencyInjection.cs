using CleanCqrs.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Registers the adapters chosen by <paramref name="settings"/> (store, broker, security, delivery).</summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, ServiceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Being assembled from the SQLite, broker and security adapters (merged next).
        throw new SettingsException("CLEANCQRS_STORE", $"'{settings.Store}' has no adapter in this build yet");
    }
}
