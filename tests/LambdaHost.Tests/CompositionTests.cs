using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Logging;
using CleanCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>
/// The production composition is validated here, once, because the Lambda bootstrap builds it
/// without validation (a fifth of its init CPU): every registration must have a buildable call site.
/// AWS mode's graph is validated by <c>TemplateTests</c> with the template's environment.
/// </summary>
public sealed class CompositionTests
{
    [Test]
    public void The_embedded_production_composition_validates_every_registration()
    {
        using var data = new TemporaryDataDirectory();

        Assert.DoesNotThrow(() =>
        {
            using var provider = Composition.BuildServiceProvider(new ServiceSettings { DataDirectory = data.Path }, LogFormat.None);
        });
    }

    [Test]
    public void Validation_refuses_a_composition_with_a_missing_adapter()
    {
        var settings = new ServiceSettings();

        var refused = Assert.Throws<AggregateException>(() =>
            Composition.BuildServiceProvider(settings, LogFormat.None, _ => { /* no store, broker or security */ }));

        Assert.That(refused!.InnerExceptions, Has.Some.Message.Contains("Unable to resolve service"));
    }

    [Test]
    public void The_unvalidated_bootstrap_provider_builds_the_function_and_its_warm_ups()
    {
        using var data = new TemporaryDataDirectory();
        using var provider = Composition.BuildServiceProvider(
            new ServiceSettings { DataDirectory = data.Path }, LogFormat.None, validate: false);

        Assert.That(provider.GetRequiredService<Function>(), Is.Not.Null);
        Assert.That(provider.GetServices<IStartupWarmup>(), Is.Not.Null);
    }
}
