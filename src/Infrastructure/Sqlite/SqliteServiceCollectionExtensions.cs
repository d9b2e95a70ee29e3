using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Infrastructure.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// The embedded store under <paramref name="dataDirectory"/>: the event store in <c>events.db</c>
    /// (every commit on disk before it is acknowledged), the read models in <c>read-models.db</c>
    /// (rebuildable: survive a process kill, need not wait for the disk). Read model stores are
    /// registered per closed type (no open generics: Native AOT).
    /// </summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        services.AddSingleton(_ => new SqliteDatabase(dataDirectory));
        services.AddSingleton(_ => new SqliteReadModelDatabase(
            new SqliteDatabase(dataDirectory, SqliteDatabase.ReadModelsFileName, SqliteDurability.Rebuildable)));
        services.AddSingleton<IEventStore, SqliteEventStore>();
        services.AddSingleton<IReadModelStore<OrgReadModel>>(
            sp => new SqliteReadModelStore<OrgReadModel>(sp.GetRequiredService<SqliteReadModelDatabase>().Database));
        services.AddSingleton(_ => SqliteGuardsDatabase.In(dataDirectory));
        services.AddSingleton<IRateLimiter>(sp => new SqliteRateLimiter(sp.GetRequiredService<SqliteGuardsDatabase>()));
        services.AddSingleton<IIdempotencyStore>(sp => new SqliteIdempotencyStore(sp.GetRequiredService<SqliteGuardsDatabase>()));
        services.AddSingleton<IEffectClaims>(sp => new SqliteEffectClaims(sp.GetRequiredService<SqliteGuardsDatabase>()));
        return services;
    }
}

/// <summary>The read models' own file, apart from the event store's.</summary>
public sealed class SqliteReadModelDatabase(SqliteDatabase database) : IDisposable
{
    public SqliteDatabase Database { get; } = database;

    public void Dispose() => Database.Dispose();
}
