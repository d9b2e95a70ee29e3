using System.Net;
using System.Text;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>
/// CORS (SPEC 5.4) through the function entry, with API Gateway's REST (v1) and HTTP API (v2) events,
/// and through the local HTTP server, so it holds on Lambda and locally alike.
/// </summary>
public sealed class CorsTests
{
    private const string App = "https://app.example.com";

    private static readonly ServiceSettings AllowApp = new() { CorsAllowedOrigins = [App, "http://localhost:3000"] };

    private static ApiRequest Preflight(string path, string origin, string method = "PUT") =>
        new ApiRequest("OPTIONS", path)
            .WithHeader("Origin", origin)
            .WithHeader("Access-Control-Request-Method", method)
            .WithHeader("Access-Control-Request-Headers", "authorization, content-type, if-match");

    [TestCase(PayloadFormat.HttpApi)]
    [TestCase(PayloadFormat.RestApi)]
    public async Task A_preflight_from_an_allowed_origin_is_a_204_naming_methods_and_headers(PayloadFormat format)
    {
        using var host = new TestHost(AllowApp);

        var response = await host.SendAsync(Preflight("/orgs/acme", App), format);

        Assert.That(response.Status, Is.EqualTo(204), response.ToString());
        Assert.That(response.Header("Access-Control-Allow-Origin"), Is.EqualTo(App));
        Assert.That(response.Header("Vary"), Is.EqualTo("Origin"));
        Assert.That(SplitList(response.Header("Access-Control-Allow-Methods")), Is.SupersetOf(new[] { "GET", "POST", "PUT" }));
        Assert.That(SplitList(response.Header("Access-Control-Allow-Headers")),
            Is.SupersetOf(new[] { "Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key" }));
        Assert.That(response.Header("Access-Control-Max-Age"), Is.EqualTo(CorsPolicy.MaxAgeSeconds));
        Assert.That(response.Body, Is.Null.Or.Empty);
    }

    [TestCase(PayloadFormat.HttpApi)]
    [TestCase(PayloadFormat.RestApi)]
    public async Task Responses_to_an_allowed_origin_expose_the_headers_a_client_reads(PayloadFormat format)
    {
        using var host = new TestHost(AllowApp);
        var token = host.OrgToken("acme");

        var created = await host.SendAsync(
            new ApiRequest("POST", "/orgs").WithJson("""{"name":"Acme","location":"Jakarta"}""").WithBearer(token).WithHeader("Origin", App),
            format);

        Assert.That(created.Status, Is.EqualTo(201), created.ToString());
        Assert.That(created.Header("Access-Control-Allow-Origin"), Is.EqualTo(App));
        Assert.That(SplitList(created.Header("Access-Control-Expose-Headers")),
            Is.EquivalentTo(new[] { "ETag", "Location", "Retry-After", "X-Request-Id", "Idempotency-Replayed" }));
        Assert.That(created.Header("ETag"), Is.EqualTo("\"1\""));
    }

    [Test]
    public async Task Problems_carry_the_cors_headers_too_so_a_browser_can_read_them()
    {
        using var host = new TestHost(AllowApp);

        var response = await host.SendAsync(new ApiRequest("POST", "/orgs").WithJson("{}").WithHeader("Origin", App));

        Assert.That(response.Status, Is.EqualTo(401));
        Assert.That(response.Header("Access-Control-Allow-Origin"), Is.EqualTo(App));
        Assert.That(response.Header("Access-Control-Expose-Headers"), Does.Contain("X-Request-Id"));
    }

    [TestCase(PayloadFormat.HttpApi)]
    [TestCase(PayloadFormat.RestApi)]
    public async Task Another_origin_gets_no_cors_headers_and_its_preflight_a_403_problem(PayloadFormat format)
    {
        using var host = new TestHost(AllowApp);

        var preflight = await host.SendAsync(Preflight("/orgs/acme", "https://evil.example"), format);
        var get = await host.SendAsync(new ApiRequest("GET", "/.well-known/jwks.json").WithHeader("Origin", "https://evil.example"), format);

        Assert.That(preflight.Status, Is.EqualTo(403));
        ProblemAssert.IsProblem(preflight, 403);
        Assert.That(preflight.Header("Access-Control-Allow-Origin"), Is.Null);
        Assert.That(get.Status, Is.EqualTo(200));
        Assert.That(get.Header("Access-Control-Allow-Origin"), Is.Null);
        Assert.That(get.Header("Access-Control-Expose-Headers"), Is.Null);
    }

    [Test]
    public async Task A_wildcard_allows_any_origin_without_varying()
    {
        using var host = new TestHost(new ServiceSettings { CorsAllowedOrigins = ["*"] });

        var preflight = await host.SendAsync(Preflight("/otp", "https://anyone.example", "POST"));
        var get = await host.SendAsync(new ApiRequest("GET", "/.well-known/jwks.json").WithHeader("Origin", "https://anyone.example"));

        Assert.That(preflight.Status, Is.EqualTo(204));
        Assert.That(preflight.Header("Access-Control-Allow-Origin"), Is.EqualTo("*"));
        Assert.That(preflight.Header("Vary"), Is.Null);
        Assert.That(get.Header("Access-Control-Allow-Origin"), Is.EqualTo("*"));
    }

    [TestCase(PayloadFormat.HttpApi)]
    [TestCase(PayloadFormat.RestApi)]
    public async Task Without_CORS_ALLOWED_ORIGINS_there_are_no_cors_headers_and_OPTIONS_is_a_405(PayloadFormat format)
    {
        using var host = new TestHost();

        var preflight = await host.SendAsync(Preflight("/orgs/acme", App), format);
        var get = await host.SendAsync(new ApiRequest("GET", "/.well-known/jwks.json").WithHeader("Origin", App), format);

        Assert.That(preflight.Status, Is.EqualTo(405));
        ProblemAssert.IsProblem(preflight, 405);
        Assert.That(get.HeaderNames.Where(n => n.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)), Is.Empty);
    }

    [Test]
    public async Task Cors_holds_through_the_local_server()
    {
        using var host = new TestHost(AllowApp);
        await using var server = LocalHttpServerTests.StartOnFreePort(host);
        using var stop = new CancellationTokenSource();
        var running = server.RunAsync(stop.Token);
        using var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/orgs/acme");
        preflight.Headers.Add("Origin", App);
        preflight.Headers.Add("Access-Control-Request-Method", "PUT");
        using var preflightResponse = await client.SendAsync(preflight);
        using var otp = new HttpRequestMessage(HttpMethod.Post, "/otp")
        {
            Content = new StringContent("""{"primary":"cors@example.com","role":"org","country":"SG"}""", Encoding.UTF8, "application/json"),
        };
        otp.Headers.Add("Origin", App);
        using var otpResponse = await client.SendAsync(otp);

        Assert.That(preflightResponse.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(preflightResponse.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(App));
        Assert.That(preflightResponse.Headers.GetValues("Access-Control-Allow-Methods").Single(), Does.Contain("PUT"));
        Assert.That((int)otpResponse.StatusCode, Is.EqualTo(202));
        Assert.That(otpResponse.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(App));
        Assert.That(otpResponse.Headers.GetValues("Access-Control-Expose-Headers").Single(), Does.Contain("Retry-After"));
        await stop.CancelAsync();
        await running;
    }

    [TestCase("https://app.example.com", new[] { "https://app.example.com" })]
    [TestCase(" https://App.Example.com/ , http://localhost:3000", new[] { "https://app.example.com", "http://localhost:3000" })]
    [TestCase("*", new[] { "*" })]
    [TestCase("", new string[0])]
    public void CORS_ALLOWED_ORIGINS_is_read_as_origins(string raw, string[] expected)
    {
        var settings = ServiceSettings.FromEnvironment(name => name == ServiceSettings.CorsAllowedOriginsSetting ? raw : null);

        Assert.That(settings.CorsAllowedOrigins, Is.EqualTo(expected));
    }

    [TestCase("app.example.com")]
    [TestCase("https://app.example.com/path")]
    [TestCase("ftp://app.example.com")]
    [TestCase("https://a.example, *")]
    [TestCase("https://user@app.example.com")]
    public void A_malformed_CORS_ALLOWED_ORIGINS_stops_the_start_naming_it(string raw)
    {
        var error = Assert.Throws<SettingsException>(() =>
            ServiceSettings.FromEnvironment(name => name == ServiceSettings.CorsAllowedOriginsSetting ? raw : null));

        Assert.That(error!.Setting, Is.EqualTo(ServiceSettings.CorsAllowedOriginsSetting));
    }

    private static string[] SplitList(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
