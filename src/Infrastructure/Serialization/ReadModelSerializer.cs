using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CleanCqrs.Application.Orgs.Projections;

namespace CleanCqrs.Infrastructure.Serialization;

/// <summary>JSON type info of each read model type, for the read-model stores.</summary>
public static class ReadModelSerializer
{
    public static JsonTypeInfo<TModel> TypeInfo<TModel>() =>
        (JsonTypeInfo<TModel>)(InfrastructureJsonContext.Default.GetTypeInfo(typeof(TModel))
            ?? throw new ArgumentException($"{typeof(TModel).Name} is not a known read model."));

    /// <summary>The table (or key prefix) of a read model type.</summary>
    public static string Collection<TModel>() => typeof(TModel) == typeof(OrgReadModel)
        ? "orgs"
        : throw new ArgumentException($"{typeof(TModel).Name} is not a known read model.");
}
