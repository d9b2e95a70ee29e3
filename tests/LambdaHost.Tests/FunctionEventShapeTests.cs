using System.Text;
using System.Text.Json.Nodes;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>The function recognises each event by its shape and answers in the matching format.</summary>
public sealed class FunctionEventShapeTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task Published_http_api_sample_gets_a_payload_2_response()
    {
        var raw = await InvokeAsync(AwsEvents.Bytes(AwsEvents.Load("apigw-http-v2.json")));

        var response = JsonNode.Parse(raw)!.AsObject();
        Assert.That(response["statusCode"]!.GetValue<int>(), Is.EqualTo(404));
        Assert.That(response["headers"]!["Content-Type"]!.GetValue<string>(), Is.EqualTo("application/problem+json"));
        Assert.That(response["isBase64Encoded"]!.GetValue<bool>(), Is.False);
        Assert.That(response.ContainsKey("multiValueHeaders"), Is.False);
        Assert.That(JsonNode.Parse(response["body"]!.GetValue<string>())!["detail"]!.GetValue<string>(), Does.Contain("/my/path"));
    }

    [Test]
    public async Task Published_rest_api_sample_gets_a_payload_1_response()
    {
        var raw = await InvokeAsync(AwsEvents.Bytes(AwsEvents.Load("apigw-rest-v1-proxy.json")));

        var response = JsonNode.Parse(raw)!.AsObject();
        Assert.That(response["statusCode"]!.GetValue<int>(), Is.EqualTo(404));
        Assert.That(response["headers"]!["Content-Type"]!.GetValue<string>(), Is.EqualTo("application/problem+json"));
        Assert.That(response["isBase64Encoded"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public async Task Captured_rest_api_browser_request_is_routed()
    {
        var @event = AwsEvents.Load("apigw-rest-v1-proxy-3.json");
        @event["path"] = "/.well-known/jwks.json";

        var response = ApiResponse.Parse(await InvokeAsync(AwsEvents.Bytes(@event)), new ApiRequest("GET", "/.well-known/jwks.json"));

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(response.Body, Is.EqualTo(FakeTokenService.Jwks));
    }

    [Test]
    public async Task Named_stage_is_cut_off_the_http_api_path()
    {
        var @event = AwsEvents.Load("apigw-http-v2-3.json");
        @event["rawPath"] = "/default/.well-known/jwks.json";

        var response = ApiResponse.Parse(await InvokeAsync(AwsEvents.Bytes(@event)), new ApiRequest("GET", "/.well-known/jwks.json"));

        Assert.That(response.Status, Is.EqualTo(200), response.ToString());
    }

    [Test]
    public async Task Captured_http_api_request_with_base64_flag_and_no_body_is_handled()
    {
        var @event = AwsEvents.Load("apigw-http-v2-3.json");
        @event["rawPath"] = "/default/otp";
        @event["requestContext"]!["http"]!["method"] = "POST";
        @event["headers"]!["content-type"] = "application/json";

        var response = ApiResponse.Parse(await InvokeAsync(AwsEvents.Bytes(@event)), new ApiRequest("POST", "/otp"));

        Assert.That(ProblemAssert.IsValidationProblem(response, "body"), Is.EqualTo(new[] { "must not be empty" }));
    }

    [Test]
    public async Task Rest_api_multi_value_headers_win_over_single_values()
    {
        var @event = JsonNode.Parse(AwsEvents.RestApi(new ApiRequest("GET", "/orgs/x")))!.AsObject();
        @event["headers"] = new JsonObject { ["If-None-Match"] = "1" };
        @event["multiValueHeaders"] = new JsonObject { ["If-None-Match"] = new JsonArray("\"1\"", "W/\"2\"") };

        var response = ApiResponse.Parse(await InvokeAsync(AwsEvents.Bytes(@event)), new ApiRequest("GET", "/orgs/x"));

        ProblemAssert.IsProblem(response, 404);
    }

    [Test]
    public async Task Scheduled_event_sample_runs_the_outbox_sweep()
    {
        var raw = await InvokeAsync(AwsEvents.Bytes(AwsEvents.Load("eventbridge-scheduled-event.json")));

        Assert.That(Encoding.UTF8.GetString(raw), Is.EqualTo("""{"published":0,"failed":0}"""));
    }

    [TestCase("""{"hello":"world"}""", "members: hello")]
    [TestCase("""{}""", "empty object")]
    [TestCase("""[1,2]""", "JSON array")]
    [TestCase("\"text\"", "JSON string")]
    [TestCase("""{"Records":[]}""", "members: Records")]
    [TestCase("""{"Records":[{"eventSource":"aws:s3","s3":{}}]}""", "members: Records")]
    [TestCase("""{"Records":[{"EventSource":"aws:sns","Sns":{}}]}""", "members: Records")]
    [TestCase("""{"Records":[{"eventSource":"aws:sqs"},{"eventSource":"aws:kinesis"}]}""", "members: Records")]
    [TestCase("""{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{}}""", "members: source")]
    [TestCase("""{"version":"1.0","requestContext":{"http":{}}}""", "members: version")]
    [TestCase("""{"version":"2.0","requestContext":{}}""", "members: version")]
    public void Event_of_another_shape_is_refused_with_a_clear_error(string json, string mentions)
    {
        var error = Assert.ThrowsAsync<UnsupportedEventException>(() => InvokeAsync(Encoding.UTF8.GetBytes(json)));

        Assert.That(error!.ErrorType, Is.EqualTo("Function.UnsupportedEvent"));
        Assert.That(error.Message, Does.StartWith("The function accepts API Gateway REST (v1) and HTTP API (v2) proxy events, SQS batches and EventBridge scheduled events"));
        Assert.That(error.Message, Does.Contain(mentions));
    }

    [TestCase("")]
    [TestCase("{")]
    [TestCase("not json")]
    public void Event_that_is_not_json_is_refused(string json)
    {
        var error = Assert.ThrowsAsync<InvalidEventException>(() => InvokeAsync(Encoding.UTF8.GetBytes(json)));

        Assert.That(error!.ErrorType, Is.EqualTo("Function.InvalidEvent"));
        Assert.That(error.Message, Is.EqualTo("The event is not valid JSON."));
    }

    [Test]
    public void Known_shape_with_malformed_members_is_refused()
    {
        var @event = AwsEvents.Load("apigw-http-v2.json");
        @event["body"] = 42;

        var error = Assert.ThrowsAsync<InvalidEventException>(() => InvokeAsync(AwsEvents.Bytes(@event)));

        Assert.That(error!.Message, Is.EqualTo("The HTTP API event is malformed at $.body."));
    }

    private async Task<byte[]> InvokeAsync(byte[] @event) =>
        await _host.Function.HandleAsync(@event, _host.NewContext(), CancellationToken.None);
}
