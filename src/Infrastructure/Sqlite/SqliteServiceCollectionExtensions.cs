using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Infrastructure.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// The embedded store: the event store and the read models in <c>events.db</c> under
    /// <paramref name="dataDirectory"/>. Read model stores are registered per closed type (no open
    /// generics: Native AOT).
    /// </summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        services.AddSingleton(_ => new SqliteDatabase(dataDirectory));
        services.AddSingleton<IEventStore, SqliteEventStore>();
        services.AddSingleton<IReadModelStore<OrgReadModel>, SqliteReadModelStore<OrgReadModel>>();
        return services;
    }
}
