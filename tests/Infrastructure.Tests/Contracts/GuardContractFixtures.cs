using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Sqlite;
using CleanCqrs.Infrastructure.Tests.Sqlite;
using CleanCqrs.TestSupport;

namespace CleanCqrs.Infrastructure.Tests.Contracts;

// The guard ports on every store: SQLite, DynamoDB (dynalite) and the in-memory adapters the other
// test suites and benchmarks use, so none of them can drift from the others.

public sealed class SqliteRateLimiterTests : RateLimiterContract
{
    private readonly SqliteGuards _guards = new();

    protected override ValueTask<IRateLimiter> CreateAsync() => ValueTask.FromResult<IRateLimiter>(new SqliteRateLimiter(_guards.Open()));

    protected override ValueTask DisposeAsync() => _guards.DisposeAsync();
}

public sealed class SqliteIdempotencyStoreTests : IdempotencyStoreContract
{
    private readonly SqliteGuards _guards = new();

    protected override ValueTask<IIdempotencyStore> CreateAsync() => ValueTask.FromResult<IIdempotencyStore>(new SqliteIdempotencyStore(_guards.Open()));

    protected override ValueTask DisposeAsync() => _guards.DisposeAsync();
}

public sealed class SqliteEffectClaimsTests : EffectClaimsContract
{
    private readonly SqliteGuards _guards = new();

    protected override ValueTask<IEffectClaims> CreateAsync() => ValueTask.FromResult<IEffectClaims>(new SqliteEffectClaims(_guards.Open()));

    protected override ValueTask DisposeAsync() => _guards.DisposeAsync();
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
    private TemporaryDataDirectory? _directory;
    private SqliteGuardsDatabase? _database;

    public SqliteGuardsDatabase Open()
    {
        _directory = new TemporaryDataDirectory();
        _database = SqliteGuardsDatabase.In(_directory.Path);
        return _database;
    }

    public ValueTask DisposeAsync()
    {
        _database?.Dispose();
        _directory?.Dispose();
        return ValueTask.CompletedTask;
    }
}
