using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.TestSupport;

public sealed class InMemoryReadModelStore<TModel> : IReadModelStore<TModel> where TModel : class, IReadModel
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TModel> _models = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _models.Count;
            }
        }
    }

    public ValueTask<TModel?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_models.GetValueOrDefault(id));
        }
    }

    public ValueTask<bool> TryPutAsync(TModel model, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var current = _models.GetValueOrDefault(model.Id)?.Version ?? 0;
            if (current != expectedVersion)
            {
                return ValueTask.FromResult(false);
            }

            _models[model.Id] = model;
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _models.Clear();
        }

        return ValueTask.CompletedTask;
    }
}
