using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>The runtime loop against a fake Lambda Runtime API (an in-memory HTTP handler).</summary>
public sealed class RuntimeLoopTests
{
    private TestHost _host = null!;
    private FakeRuntimeApi _api = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new TestHost();
        _api = new FakeRuntimeApi();
        _client = new HttpClient(_api) { BaseAddress = new Uri("http://127.0.0.1:9001/2018-06-01/") };
    }

    [TearDown]
    public void TearDown()
    {
        _client.Dispose();
        _api.Dispose();
        _host.Dispose();
    }

    [Test]
    public async Task Invocation_is_answered_on_its_response_endpoint()
    {
        _api.NextEvent = AwsEvents.HttpApi(new ApiRequest("GET", "/.well-known/jwks.json"));
        _api.Deadline = TestHost.Start.AddSeconds(30);

        await Loop().RunOnceAsync(CancellationToken.None);

        var (method, path, headers, body) = _api.Requests.Last();
        Assert.That(_api.Requests.First().Path, Is.EqualTo("/2018-06-01/runtime/invocation/next"));
        Assert.That((method, path), Is.EqualTo(("POST", "/2018-06-01/runtime/invocation/req-1/response")));
        Assert.That(JsonNode.Parse(body)!["statusCode"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(headers, Does.Not.ContainKey(RuntimeLoop.ErrorTypeHeader));
        Assert.That(Environment.GetEnvironmentVariable(RuntimeLoop.TraceIdVariable), Is.EqualTo("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"));
    }

    [Test]
    public async Task Unsupported_event_is_reported_on_the_error_endpoint_with_its_type()
    {
        _api.NextEvent = Encoding.UTF8.GetBytes("""{"something":"else"}""");

        await Loop().RunOnceAsync(CancellationToken.None);

        var (method, path, headers, body) = _api.Requests.Last();
        Assert.That((method, path), Is.EqualTo(("POST", "/2018-06-01/runtime/invocation/req-1/error")));
        Assert.That(headers[RuntimeLoop.ErrorTypeHeader], Is.EqualTo("Function.UnsupportedEvent"));
        Assert.That(headers["Content-Type"], Is.EqualTo(RuntimeLoop.ErrorContentType));
        var error = JsonNode.Parse(body)!;
        Assert.That(error["errorType"]!.GetValue<string>(), Is.EqualTo("Function.UnsupportedEvent"));
        Assert.That(error["errorMessage"]!.GetValue<string>(), Does.Contain("members: something"));
    }

    [Test]
    public async Task Invalid_json_event_is_reported_as_invalid()
    {
        _api.NextEvent = Encoding.UTF8.GetBytes("{oops");

        await Loop().RunOnceAsync(CancellationToken.None);

        Assert.That(_api.Requests.Last().Headers[RuntimeLoop.ErrorTypeHeader], Is.EqualTo("Function.InvalidEvent"));
    }

    [Test]
    public async Task Unexpected_failure_is_reported_without_its_details()
    {
        _api.NextEvent = AwsEvents.Bytes(AwsEvents.Load("eventbridge-scheduled-event.json"));
        _host.Store.FailNextReadPending = new InvalidOperationException("secret detail");

        await Loop().RunOnceAsync(CancellationToken.None);

        var (_, path, headers, body) = _api.Requests.Last();
        Assert.That(path, Is.EqualTo("/2018-06-01/runtime/invocation/req-1/error"));
        Assert.That(headers[RuntimeLoop.ErrorTypeHeader], Is.EqualTo("Function.Unhandled"));
        Assert.That(body, Does.Not.Contain("secret detail"));
        Assert.That(JsonNode.Parse(body)!["errorMessage"]!.GetValue<string>(), Does.Contain("req-1"));
        Assert.That(_host.Logs.Entries.Select(e => e.Exception?.Message), Does.Contain("secret detail"));
    }

    [Test]
    public void Runtime_api_failure_on_next_stops_the_loop()
    {
        _api.NextStatus = HttpStatusCode.InternalServerError;

        Assert.ThrowsAsync<HttpRequestException>(() => Loop().RunOnceAsync(CancellationToken.None));
    }

    [Test]
    public async Task Start_up_failure_is_reported_on_the_init_error_endpoint()
    {
        await RuntimeLoop.ReportInitErrorAsync(_client, new SettingsException("CLEANCQRS_STORE", "must be one of sqlite, dynamodb, not 'x'"), CancellationToken.None);

        var (method, path, headers, body) = _api.Requests.Single();
        Assert.That((method, path), Is.EqualTo(("POST", "/2018-06-01/runtime/init/error")));
        Assert.That(headers[RuntimeLoop.ErrorTypeHeader], Is.EqualTo("Runtime.ConfigInvalid"));
        Assert.That(JsonNode.Parse(body)!["errorMessage"]!.GetValue<string>(), Does.Contain("CLEANCQRS_STORE"));
    }

    [Test]
    public void Client_points_at_the_versioned_runtime_api_without_a_timeout()
    {
        using var client = RuntimeLoop.CreateClient("127.0.0.1:9001");

        Assert.That(client.BaseAddress, Is.EqualTo(new Uri("http://127.0.0.1:9001/2018-06-01/")));
        Assert.That(client.Timeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
    }

    private RuntimeLoop Loop() =>
        new(_client, _host.Function, _host.Services.GetRequiredService<ILogger<RuntimeLoop>>(), _host.Clock);

    private sealed class FakeRuntimeApi : HttpMessageHandler
    {
        public byte[] NextEvent { get; set; } = [];

        public DateTimeOffset Deadline { get; set; } = TestHost.Start.AddMinutes(1);

        public HttpStatusCode NextStatus { get; set; } = HttpStatusCode.OK;

        public List<(string Method, string Path, Dictionary<string, string> Headers, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Method.Method, request.RequestUri!.AbsolutePath, headers, body));
            if (request.Method == HttpMethod.Get)
            {
                var next = new HttpResponseMessage(NextStatus) { Content = new ByteArrayContent(NextEvent) };
                next.Headers.Add("Lambda-Runtime-Aws-Request-Id", "req-1");
                next.Headers.Add("Lambda-Runtime-Deadline-Ms", Deadline.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                next.Headers.Add("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
                next.Headers.Add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime");
                return next;
            }

            return new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent("""{"status":"OK"}""") };
        }
    }
}
