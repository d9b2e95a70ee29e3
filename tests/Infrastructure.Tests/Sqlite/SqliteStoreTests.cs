using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Sqlite;
using CleanCqrs.Infrastructure.Tests.Contracts;

namespace CleanCqrs.Infrastructure.Tests.Sqlite;

[TestFixture]
public sealed class SqliteEventStoreTests : EventStoreContract
{
    private TemporaryDataDirectory directory = null!;
    private SqliteDatabase database = null!;

    protected override ValueTask<IEventStore> CreateStoreAsync()
    {
        directory = new TemporaryDataDirectory();
        database = new SqliteDatabase(directory.Path);
        return ValueTask.FromResult<IEventStore>(new SqliteEventStore(database));
    }

    [TearDown]
    public void DeleteDirectory()
    {
        database.Dispose();
        directory.Dispose();
    }
}

[TestFixture]
public sealed class SqliteReadModelStoreTests : ReadModelStoreContract
{
    private TemporaryDataDirectory directory = null!;
    private SqliteDatabase database = null!;

    protected override ValueTask<IReadModelStore<OrgReadModel>> CreateStoreAsync()
    {
        directory = new TemporaryDataDirectory();
        database = new SqliteDatabase(directory.Path);
        return ValueTask.FromResult<IReadModelStore<OrgReadModel>>(new SqliteReadModelStore<OrgReadModel>(database));
    }

    [TearDown]
    public void DeleteDirectory()
    {
        database.Dispose();
        directory.Dispose();
    }
}
