namespace CleanCqrs.Application.Common.Ports;

/// <summary>A projected document, versioned by the last event of its stream that was applied.</summary>
public interface IReadModel
{
    /// <summary>The table (or key prefix) its documents are stored under; also the projection's name.</summary>
    static abstract string Collection { get; }

    string Id { get; }

    long Version { get; }
}

/// <summary>Versioned read models: a write only lands on the version it was computed from.</summary>
public interface IReadModelStore<TModel> where TModel : class, IReadModel
{
    ValueTask<TModel?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="model"/> if the stored one is still at <paramref name="expectedVersion"/>
    /// (0: none stored); false otherwise, and nothing changes.
    /// </summary>
    ValueTask<bool> TryPutAsync(TModel model, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Removes every model of this type (before a rebuild).</summary>
    ValueTask ClearAsync(CancellationToken cancellationToken);
}
