using CleanCqrs.Reliability.Tests.Support;

// Outside any namespace: NUnit runs it once around the whole assembly.
[SetUpFixture]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "NUnit applies a namespace-less SetUpFixture to the whole assembly.")]
public sealed class AssemblySetUp
{
    [OneTimeSetUp]
    public void Describe() =>
        TestContext.Progress.WriteLine($"Reliability suites at {(Scale.IsLarge ? "large" : "CI")} scale (set {Scale.Variable}=large for the larger settings).");

    [OneTimeTearDown]
    public void StopServers() => SharedDynalite.Stop();
}
