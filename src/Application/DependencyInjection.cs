using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Application.Common.Security;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Application.Otps;
using CleanCqrs.Application.Otps.Limits;
using CleanCqrs.Application.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanCqrs.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the application services. Handlers are registered by the Mediator source generator
    /// in the composition root; each request names its own validator (<c>IValidatedRequest</c>), so
    /// there is no list to keep in step and no assembly scanning (AOT).
    /// </summary>
    public static IServiceCollection AddApplication(
        this IServiceCollection services, OtpOptions? otpOptions = null, OtpLimitOptions? limitOptions = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(otpOptions ?? new OtpOptions());
        services.AddSingleton(limitOptions ?? new OtpLimitOptions());
        services.AddSingleton<OtpRequestLimits>();
        services.AddSingleton<IOtpIdGenerator, RandomOtpIdGenerator>();
        services.AddSingleton<CommandRunner>();
        services.AddSingleton<OutboxRelay>();

        // Projections are notification handlers (registered by Mediator) and rebuildable.
        services.AddSingleton<IProjection>(sp => sp.GetRequiredService<OrgProjection>());
        return services;
    }
}
