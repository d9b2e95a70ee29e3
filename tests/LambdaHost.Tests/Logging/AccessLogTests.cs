using System.Text;
using CleanCqrs.LambdaHost.Logging;
using CleanCqrs.LambdaHost.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Tests.Logging;

/// <summary>One access log line per HTTP request through the function entry, refusals before the pipeline included.</summary>
public sealed class AccessLogTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    private static IEnumerable<TestCaseData> Requests()
    {
        yield return Case("an accepted OTP request", new ApiRequest("POST", "/otp").WithJson("""{"primary":"a@example.com","role":"org","country":"SG"}"""), "POST /otp 202");
        yield return Case("an unknown path", new ApiRequest("GET", "/nowhere"), "GET (unmatched) 404");
        yield return Case("a method the path does not serve", new ApiRequest("PATCH", "/otp"), "PATCH /otp 405");
        yield return Case("a body too large", new ApiRequest("POST", "/otp").WithJson(new string(' ', 200_000) + "{}"), "POST /otp 413");
        yield return Case("a body that is not JSON by type", new ApiRequest("POST", "/otp") { Body = "x" }.WithHeader("Content-Type", "text/plain"), "POST /otp 415");
        yield return Case("no bearer token", new ApiRequest("PUT", "/orgs/acme-secret-id").WithJson("""{"name":"A","location":"B"}"""), "PUT /orgs/{id} 401");
        yield return Case("bad JSON", new ApiRequest("POST", "/otp").WithJson("{"), "POST /otp 400");

        static TestCaseData Case(string what, ApiRequest request, string expected) =>
            new TestCaseData(request, expected).SetName($"Logs one access line for {what}");
    }

    [TestCaseSource(nameof(Requests))]
    public async Task Logs_one_access_line(ApiRequest request, string expected)
    {
        var response = await _host.SendAsync(request);

        var lines = _host.Logs.Entries.Where(e => e.Category == typeof(AccessLog).FullName).ToList();
        Assert.That(lines, Has.Count.EqualTo(1));
        var line = lines[0];
        Assert.Multiple(() =>
        {
            Assert.That(line.Message, Does.StartWith($"HTTP {expected} in "));
            Assert.That(line.Message, Does.EndWith(" ms (request " + RequestIdOf(line.Message) + ")"));
            Assert.That(expected, Does.EndWith(" " + response.Status), "the line has the status the caller got");
            Assert.That(line.Message, Does.Not.Contain("acme-secret-id"), "the route template, never the raw id");
            Assert.That(line.Level, Is.EqualTo(LogLevel.Information));
        });
    }

    [TestCase("GET", "/orgs/abc", "/orgs/{id}")]
    [TestCase("DELETE", "/orgs/abc", "/orgs/{id}")]
    [TestCase("POST", "/orgs", "/orgs")]
    [TestCase("GET", "/orgs/", "(unmatched)")]
    [TestCase("GET", "/orgs/a/b", "(unmatched)")]
    [TestCase("GET", "/.well-known/jwks.json", "/.well-known/jwks.json")]
    public void Route_template_comes_from_the_route_table(string method, string path, string template)
    {
        Assert.That(AccessLog.RouteTemplate(method, path), Is.EqualTo(template));
    }

    private static string RequestIdOf(string message)
    {
        var start = message.LastIndexOf("(request ", StringComparison.Ordinal) + "(request ".Length;
        return message[start..^1];
    }
}
