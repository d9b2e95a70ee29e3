using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Projections;
using CleanCqrs.Application.Common.Security;
using CleanCqrs.Application.Orgs.Commands.CreateOrg;
using CleanCqrs.Application.Orgs.Commands.UpdateOrg;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Application.Orgs.Queries.GetOrg;
using CleanCqrs.Application.Otps;
using CleanCqrs.Application.Otps.Limits;
using CleanCqrs.Application.Otps.Commands.RequestOtp;
using CleanCqrs.Application.Otps.Commands.VerifyOtp;
using CleanCqrs.Application.Outbox;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanCqrs.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the application services. Handlers are registered by the Mediator source generator
    /// in the composition root; validators are listed here by hand (no assembly scanning: AOT).
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

        services.AddSingleton<IValidator<CreateOrg>, CreateOrgValidator>();
        services.AddSingleton<IValidator<UpdateOrg>, UpdateOrgValidator>();
        services.AddSingleton<IValidator<GetOrg>, GetOrgValidator>();
        services.AddSingleton<IValidator<RequestOtp>, RequestOtpValidator>();
        services.AddSingleton<IValidator<RequestOtp>, RequestOtpDestinationValidator>();
        services.AddSingleton<IValidator<VerifyOtp>, VerifyOtpValidator>();

        // Projections are notification handlers (registered by Mediator) and rebuildable.
        services.AddSingleton<IProjection>(sp => sp.GetRequiredService<OrgProjection>());
        return services;
    }
}
