using CleanCqrs.Reliability.Tests.Support;

namespace CleanCqrs.Reliability.Tests;

/// <summary>Runs once around every suite of this project (they all live under this namespace).</summary>
[SetUpFixture]
public sealed class AssemblySetUp
{
    [OneTimeSetUp]
    public void Describe() =>
        TestContext.Progress.WriteLine($"Reliability suites at {(Scale.IsLarge ? "large" : "CI")} scale (set {Scale.Variable}=large for the larger settings).");

    [OneTimeTearDown]
    public void StopServers() => SharedDynalite.Stop();
}
