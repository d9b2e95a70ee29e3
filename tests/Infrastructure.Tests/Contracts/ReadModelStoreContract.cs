using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;

namespace CleanCqrs.Infrastructure.Tests.Contracts;

/// <summary>
/// What every <see cref="IReadModelStore{TModel}"/> must do, run against each implementation by a
/// concrete fixture that supplies the store.
/// </summary>
public abstract class ReadModelStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = OrgCommits.T0;

    protected IReadModelStore<OrgReadModel> Store { get; private set; } = null!;

    /// <summary>A new, empty store for one test.</summary>
    protected abstract ValueTask<IReadModelStore<OrgReadModel>> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made.</summary>
    protected virtual ValueTask DisposeStoreAsync() => ValueTask.CompletedTask;

    [SetUp]
    public async Task CreateStore() => Store = await CreateStoreAsync();

    [TearDown]
    public async Task DisposeStore() => await DisposeStoreAsync();

    [Test]
    public async Task Finds_nothing_for_an_unknown_id()
    {
        Assert.That(await Store.GetAsync(NewId(), None), Is.Null);
    }

    [Test]
    public async Task Inserts_at_expected_version_zero_when_none_is_stored()
    {
        var model = Org(NewId(), "Acme", 1);

        Assert.That(await Store.TryPutAsync(model, 0, None), Is.True);

        Assert.That(await Store.GetAsync(model.Id, None), Is.EqualTo(model));
    }

    [Test]
    public async Task Refuses_an_insert_when_one_is_already_stored()
    {
        var id = NewId();
        var first = Org(id, "First", 1);
        await Store.TryPutAsync(first, 0, None);

        Assert.That(await Store.TryPutAsync(Org(id, "Second", 1), 0, None), Is.False);

        Assert.That(await Store.GetAsync(id, None), Is.EqualTo(first));
    }

    [Test]
    public async Task Updates_when_the_stored_version_is_the_expected_one()
    {
        var id = NewId();
        await Store.TryPutAsync(Org(id, "First", 1), 0, None);
        var next = Org(id, "Second", 3) with { Description = null };

        Assert.That(await Store.TryPutAsync(next, 1, None), Is.True);

        Assert.That(await Store.GetAsync(id, None), Is.EqualTo(next));
    }

    [Test]
    public async Task Refuses_an_update_from_a_stale_version()
    {
        var id = NewId();
        await Store.TryPutAsync(Org(id, "First", 1), 0, None);
        var current = Org(id, "Second", 2);
        await Store.TryPutAsync(current, 1, None);

        Assert.That(await Store.TryPutAsync(Org(id, "Stale", 2), 1, None), Is.False);

        Assert.That(await Store.GetAsync(id, None), Is.EqualTo(current));
    }

    [Test]
    public async Task Refuses_an_update_of_a_model_that_is_not_stored()
    {
        var id = NewId();

        Assert.That(await Store.TryPutAsync(Org(id, "Ghost", 4), 3, None), Is.False);

        Assert.That(await Store.GetAsync(id, None), Is.Null);
    }

    [Test]
    public async Task Lets_exactly_one_of_concurrent_writers_from_the_same_version_win()
    {
        var id = NewId();
        await Store.TryPutAsync(Org(id, "Start", 1), 0, None);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await Store.TryPutAsync(Org(id, $"writer-{i}", 2), 1, None))));

        Assert.That(results.Count(won => won), Is.EqualTo(1));
        var winner = Array.IndexOf(results, true);
        Assert.That((await Store.GetAsync(id, None))?.Name, Is.EqualTo($"writer-{winner}"));
    }

    [Test]
    public async Task Clears_every_model_and_accepts_fresh_inserts_afterwards()
    {
        var ids = new[] { NewId(), NewId(), NewId() };
        foreach (var id in ids)
        {
            await Store.TryPutAsync(Org(id, "Before", 5), 0, None);
        }

        await Store.ClearAsync(None);

        foreach (var id in ids)
        {
            Assert.That(await Store.GetAsync(id, None), Is.Null);
        }

        var rebuilt = Org(ids[0], "Rebuilt", 5);
        Assert.That(await Store.TryPutAsync(rebuilt, 0, None), Is.True);
        Assert.That(await Store.GetAsync(ids[0], None), Is.EqualTo(rebuilt));
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static OrgReadModel Org(string id, string name, long version) =>
        new(id, name, "Ho Chi Minh City", "Line one\nline two", version, T0.AddMinutes(version));
}
