using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Sqlite;
using CleanCqrs.Infrastructure.Tests.Sqlite;
using CleanCqrs.TestSupport;

namespace CleanCqrs.Infrastructure.Tests.Contracts;

// The guard ports on every store: SQLite, DynamoDB (dynalite) and the in-memory adapters the other
// test suites and benchmarks use, so none of them can drift from the others.

public sealed class SqliteRateLimiterTests : RateLimiterContract
{
    private readonly SqliteGuards guards = new();

    protected override ValueTask<IRateLimiter> CreateAsync() => ValueTask.FromResult<IRateLimiter>(new SqliteRateLimiter(guards.Open()));

    protected override ValueTask DisposeAsync() => guards.DisposeAsync();
}

public sealed class SqliteIdempotencyStoreTests : IdempotencyStoreContract
{
    private readonly SqliteGuards guards = new();

    protected override ValueTask<IIdempotencyStore> CreateAsync() => ValueTask.FromResult<IIdempotencyStore>(new SqliteIdempotencyStore(guards.Open()));

    protected override ValueTask DisposeAsync() => guards.DisposeAsync();
}

public sealed class SqliteEffectClaimsTests : EffectClaimsContract
{
    private readonly SqliteGuards guards = new();

    protected override ValueTask<IEffectClaims> CreateAsync() => ValueTask.FromResult<IEffectClaims>(new SqliteEffectClaims(guards.Open()));

    protected override ValueTask DisposeAsync() => guards.DisposeAsync();
}

public sealed class InMemoryRateLimiterTests : RateLimiterContract
{
    protected override ValueTask<IRateLimiter> CreateAsync() => ValueTask.FromResult<IRateLimiter>(new InMemoryRateLimiter());
}

public sealed class InMemoryIdempotencyStoreTests : IdempotencyStoreContract
{
    protected override ValueTask<IIdempotencyStore> CreateAsync() => ValueTask.FromResult<IIdempotencyStore>(new InMemoryIdempotencyStore());
}

public sealed class InMemoryEffectClaimsTests : EffectClaimsContract
{
    protected override ValueTask<IEffectClaims> CreateAsync() => ValueTask.FromResult<IEffectClaims>(new InMemoryEffectClaims());
}

/// <summary>A fresh <c>guards.db</c> per test.</summary>
internal sealed class SqliteGuards
{
    private TemporaryDataDirectory? directory;
    private SqliteGuardsDatabase? database;

    public SqliteGuardsDatabase Open()
    {
        directory = new TemporaryDataDirectory();
        database = SqliteGuardsDatabase.In(directory.Path);
        return database;
    }

    public ValueTask DisposeAsync()
    {
        database?.Dispose();
        directory?.Dispose();
        return ValueTask.CompletedTask;
    }
}
