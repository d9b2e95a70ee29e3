using CleanCqrs.TestSupport.Http;
using NUnit.Framework;

/// <summary>
/// Says at the end of the run how many API responses were checked against docs/openapi.yaml and how
/// many were taken unchecked, and why: a bypass shows up here rather than silently.
/// </summary>
[SetUpFixture]
#pragma warning disable CA1050 // NUnit applies a SetUpFixture outside any namespace to the whole assembly.
public sealed class ApiContractReport
#pragma warning restore CA1050
{
    [OneTimeTearDown]
    public void Report()
    {
        var reasons = string.Concat(ApiContract.Unchecked.Select(r => $"\n  {r.Value} unchecked: {r.Key}"));
        TestContext.Progress.WriteLine($"API contract: {ApiContract.Validated} responses checked against docs/openapi.yaml.{reasons}");
    }
}
