using System.Collections.Concurrent;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>
/// Counts the projection's successful writes per (model, version): a version written twice is an
/// event applied twice.
/// </summary>
public sealed class CountingReadModelStore<TModel>(IReadModelStore<TModel> inner) : IReadModelStore<TModel>
    where TModel : class, IReadModel
{
    private readonly ConcurrentDictionary<(string Id, long Version), int> _applied = new();

    public IReadOnlyDictionary<(string Id, long Version), int> Applied => _applied;

    public int TotalApplied => _applied.Values.Sum();

    public ValueTask<TModel?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public async ValueTask<bool> TryPutAsync(TModel model, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var stored = await inner.TryPutAsync(model, expectedVersion, cancellationToken);
        if (stored)
        {
            _applied.AddOrUpdate((model.Id, model.Version), 1, (_, count) => count + 1);
        }

        return stored;
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        _applied.Clear();
        return inner.ClearAsync(cancellationToken);
    }
}
