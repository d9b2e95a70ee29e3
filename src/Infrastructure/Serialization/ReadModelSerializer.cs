using System.Text.Json.Serialization.Metadata;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>JSON type info and collection of each read model type, for the read-model stores (see <see cref="Catalogue.ReadModels"/>).</summary>
public static class ReadModelSerializer
{
    public static JsonTypeInfo<TModel> TypeInfo<TModel>() where TModel : class, IReadModel =>
        (JsonTypeInfo<TModel>)Catalogue.ReadModelOf<TModel>().Json;

    /// <summary>The table (or key prefix) of a read model type.</summary>
    public static string Collection<TModel>() where TModel : class, IReadModel => Catalogue.ReadModelOf<TModel>().Collection;
}
