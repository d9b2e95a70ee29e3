using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Reliability.Tests.Support;

public static class ServiceCollectionDecoration
{
    /// <summary>
    /// Wraps the registered <typeparamref name="TService"/> (the last registration, the one the
    /// container resolves) in <paramref name="decorate"/>; the wrapped one is built as it was registered.
    /// </summary>
    public static IServiceCollection Decorate<TService>(
        this IServiceCollection services, Func<TService, IServiceProvider, TService> decorate)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(decorate);
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(TService))
            ?? throw new InvalidOperationException($"{typeof(TService).Name} is not registered.");
        services.Remove(registered);
        services.AddSingleton<TService>(sp => decorate(Build<TService>(registered, sp), sp));
        return services;
    }

    private static TService Build<TService>(ServiceDescriptor registered, IServiceProvider services)
        where TService : class =>
        (TService)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, registered.ImplementationType!));
}
