using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Tests.Contracts;
using CleanCqrs.TestSupport;

namespace CleanCqrs.Infrastructure.Tests.InMemory;

/// <summary>The in-memory stores that end-to-end tests and benchmarks use keep the same contract as the real ones.</summary>
[TestFixture]
public sealed class InMemoryEventStoreTests : EventStoreContract
{
    protected override ValueTask<IEventStore> CreateStoreAsync() => ValueTask.FromResult<IEventStore>(new InMemoryEventStore());
}

[TestFixture]
public sealed class InMemoryReadModelStoreTests : ReadModelStoreContract
{
    protected override ValueTask<IReadModelStore<OrgReadModel>> CreateStoreAsync() =>
        ValueTask.FromResult<IReadModelStore<OrgReadModel>>(new InMemoryReadModelStore<OrgReadModel>());
}
