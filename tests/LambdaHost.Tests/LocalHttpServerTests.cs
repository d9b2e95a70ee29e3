using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.LambdaHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>The local server over real HTTP on a free loopback port.</summary>
public sealed class LocalHttpServerTests
{
    private TestHost _host = null!;
    private LocalHttpServer _server = null!;
    private CancellationTokenSource _stop = null!;
    private Task _running = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost();
        _server = StartOnFreePort(_host);
        _stop = new CancellationTokenSource();
        _running = _server.RunAsync(_stop.Token);
        _client = new HttpClient { BaseAddress = _server.Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    [TearDown]
    public async Task TearDown()
    {
        await _stop.CancelAsync();
        await _running;
        _client.Dispose();
        _server.Dispose();
        _stop.Dispose();
        _host.Dispose();
    }

    [Test]
    public async Task Request_over_http_goes_through_the_function()
    {
        using var content = new StringContent("""{"primary":"a@example.com","role":"org","country":"SG"}""", Encoding.UTF8, "application/json");

        using var response = await _client.PostAsync("/otp", content);

        Assert.That((int)response.StatusCode, Is.EqualTo(202));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        Assert.That(response.Headers.GetValues("X-Request-Id").Single(), Does.Match("^[0-9a-f]{32}$"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(body["channel"]!.GetValue<string>(), Is.EqualTo("email"));
    }

    [Test]
    public async Task Problems_and_their_headers_come_back_over_http()
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/orgs/abc?x=1");

        using var response = await _client.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(405));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "HEAD", "PUT", "DELETE" }));
    }

    [Test]
    public async Task Binary_body_travels_as_base64_and_is_refused_as_not_utf8()
    {
        using var content = new ByteArrayContent([0x7B, 0xFF, 0xFE, 0x7D]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await _client.PostAsync("/otp", content);

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("must be valid UTF-8 text"));
    }

    [Test]
    public async Task Query_and_conditional_headers_reach_the_function()
    {
        var token = _host.OrgToken("acme");
        using var create = new HttpRequestMessage(HttpMethod.Post, "/orgs")
        {
            Content = new StringContent("""{"name":"Acme","location":"x"}""", Encoding.UTF8, "application/json"),
        };
        create.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var created = await _client.SendAsync(create);
        Assert.That((int)created.StatusCode, Is.EqualTo(201));
        Assert.That(created.Headers.Location!.OriginalString, Is.EqualTo("/orgs/acme"));
        await _host.DeliverPublishedAsync();

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/orgs/acme?minVersion=1");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", "W/\"0\"");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
        using var notModified = await _client.SendAsync(conditional);

        Assert.That((int)notModified.StatusCode, Is.EqualTo(304));
        Assert.That(notModified.Headers.ETag!.Tag, Is.EqualTo("\"1\""));
    }

    [Test]
    public async Task Many_concurrent_requests_are_served()
    {
        var requests = Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await _client.GetAsync($"/orgs/nobody-{i}");
            return (int)response.StatusCode;
        });

        var statuses = await Task.WhenAll(requests);

        Assert.That(statuses, Has.All.EqualTo(404));
    }

    [Test]
    public async Task Cancellation_stops_the_server_and_frees_the_port()
    {
        await _stop.CancelAsync();
        await _running;

        Assert.ThrowsAsync<HttpRequestException>(async () => await _client.GetAsync("/.well-known/jwks.json"));
        using var again = new LocalHttpServer(_server.Url, _host.Function, _host.Services.GetRequiredService<ILoggerFactory>());
        Assert.DoesNotThrow(again.Start);
    }

    /// <summary>Binds port 0 on loopback: the OS picks a free port, and <see cref="LocalHttpServer.Url"/> names it.</summary>
    internal static LocalHttpServer StartOnFreePort(TestHost host, LocalServerLimits? limits = null)
    {
        var server = new LocalHttpServer(
            new Uri("http://127.0.0.1:0"), host.Function, host.Services.GetRequiredService<ILoggerFactory>(), limits: limits);
        server.Start();
        return server;
    }
}
