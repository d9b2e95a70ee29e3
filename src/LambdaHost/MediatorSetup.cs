using CleanCqrs.Application.Common.Behaviours;
using CleanCqrs.Application.Common.EventSourcing;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.LambdaHost;

public static class MediatorSetup
{
    /// <summary>
    /// The only call to the Mediator source generator's <c>AddMediator</c>: handlers of the
    /// Application assembly, singletons, and the pipeline in explicit order — logging outermost,
    /// then metrics (outside the refusals, so they are counted), then authorisation (401/403) before
    /// the input the edge could not bind and then validation (400), as the HTTP contract orders them.
    /// </summary>
    public static IServiceCollection AddMediatorPipeline(this IServiceCollection services) =>
        services.AddMediator(options =>
        {
            options.Namespace = "CleanCqrs.LambdaHost.Mediator";
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.GenerateTypesAsInternal = true;
            options.Assemblies = [typeof(CommandRunner)];
            options.PipelineBehaviors =
            [
                typeof(LoggingBehaviour<,>),
                typeof(MetricsBehaviour<,>),
                typeof(AuthorizationBehaviour<,>),
                typeof(BindingBehaviour<,>),
                typeof(ValidationBehaviour<,>),
            ];
        });
}
