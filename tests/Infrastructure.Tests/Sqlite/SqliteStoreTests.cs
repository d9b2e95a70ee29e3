using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Sqlite;
using CleanCqrs.Infrastructure.Tests.Contracts;

namespace CleanCqrs.Infrastructure.Tests.Sqlite;

[TestFixture]
public sealed class SqliteEventStoreTests : EventStoreContract
{
    private TemporaryDataDirectory _directory = null!;
    private SqliteDatabase _database = null!;

    protected override ValueTask<IEventStore> CreateStoreAsync()
    {
        _directory = new TemporaryDataDirectory();
        _database = new SqliteDatabase(_directory.Path);
        return ValueTask.FromResult<IEventStore>(new SqliteEventStore(_database));
    }

    [TearDown]
    public void DeleteDirectory()
    {
        _database.Dispose();
        _directory.Dispose();
    }
}

[TestFixture]
public sealed class SqliteReadModelStoreTests : ReadModelStoreContract
{
    private TemporaryDataDirectory _directory = null!;
    private SqliteDatabase _database = null!;

    protected override ValueTask<IReadModelStore<OrgReadModel>> CreateStoreAsync()
    {
        _directory = new TemporaryDataDirectory();
        _database = new SqliteDatabase(_directory.Path);
        return ValueTask.FromResult<IReadModelStore<OrgReadModel>>(new SqliteReadModelStore<OrgReadModel>(_database));
    }

    [TearDown]
    public void DeleteDirectory()
    {
        _database.Dispose();
        _directory.Dispose();
    }
}
