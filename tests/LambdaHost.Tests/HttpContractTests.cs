using CleanCqrs.Application.Common;
using System.Text;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>The rules of SPEC section 2 that hold for every route: routing, body checks, check order, problems.</summary>
public sealed class HttpContractTests
{
    private const string OtpBody = """{"primary":"a@example.com","role":"org","country":"SG"}""";
    private const string OrgBody = """{"name":"Acme","location":"Singapore"}""";
    private const string Subject = "5f0c1b2a-9d3e-5c4b-8a7f-0e1d2c3b4a59";

    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    [TestCase("GET", "/nothing-here")]
    [TestCase("POST", "/otp/")]
    [TestCase("POST", "/OTP")]
    [TestCase("GET", "/orgs/")]
    [TestCase("GET", "/orgs/a/b")]
    [TestCase("GET", "/")]
    public async Task Unknown_route_is_404(string method, string path)
    {
        var response = await _host.SendAsync(new ApiRequest(method, path));

        ProblemAssert.IsProblem(response, 404, "route-not-found");
    }

    [TestCase("GET", "/otp", "POST")]
    [TestCase("PUT", "/otp/verify", "POST")]
    [TestCase("GET", "/authenticate", "POST")]
    [TestCase("DELETE", "/orgs", "POST")]
    [TestCase("PATCH", "/orgs/abc", "GET, HEAD, PUT, DELETE")]
    [TestCase("POST", "/orgs/abc", "GET, HEAD, PUT, DELETE")]
    [TestCase("PUT", "/orgs/abc/history", "GET, HEAD")]
    [TestCase("POST", "/.well-known/jwks.json", "GET, HEAD")]
    public async Task Wrong_method_is_405_with_Allow(string method, string path, string allow)
    {
        var response = await _host.SendAsync(new ApiRequest(method, path));

        ProblemAssert.IsProblem(response, 405, "method-not-allowed");
        Assert.That(response.Header("Allow"), Is.EqualTo(allow));
    }

    [Test]
    public async Task Route_is_checked_before_the_body()
    {
        var huge = new string('x', 70_000);

        var notFound = await _host.SendAsync(new ApiRequest("POST", "/nope") { Body = huge }.WithHeader("Content-Type", "text/plain"));
        var notAllowed = await _host.SendAsync(new ApiRequest("PATCH", "/orgs/x") { Body = huge }.WithHeader("Content-Type", "text/plain"));

        ProblemAssert.IsProblem(notFound, 404);
        ProblemAssert.IsProblem(notAllowed, 405);
    }

    [Test]
    public async Task Body_over_64_KiB_is_413()
    {
        var body = OtpBody + new string(' ', (64 * 1024) - OtpBody.Length + 1);

        var response = await _host.PostJsonAsync("/otp", body);

        ProblemAssert.IsProblem(response, 413, "payload-too-large");
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [Test]
    public async Task Body_of_exactly_64_KiB_is_accepted()
    {
        var body = OtpBody + new string(' ', (64 * 1024) - OtpBody.Length);

        var response = await _host.PostJsonAsync("/otp", body);

        Assert.That(response.Status, Is.EqualTo(202), response.ToString());
    }

    [Test]
    public async Task Size_counts_bytes_of_the_decoded_base64_body()
    {
        var bytes = Encoding.UTF8.GetBytes(OtpBody + new string(' ', 64 * 1024));

        var response = await _host.SendAsync(new ApiRequest("POST", "/otp").WithBinaryBody(bytes).WithHeader("Content-Type", "application/json"));

        ProblemAssert.IsProblem(response, 413);
    }

    [Test]
    public async Task Size_is_checked_before_the_content_type()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp") { Body = new string('x', 70_000) }.WithHeader("Content-Type", "text/plain"));

        ProblemAssert.IsProblem(response, 413);
    }

    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    [TestCase("application/json; charset=iso-8859-1")]
    [TestCase("application/jsonp")]
    [TestCase("application/json; version=2")]
    [TestCase("application/problem+json")]
    [TestCase("")]
    public async Task Wrong_content_type_is_415(string contentType)
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp") { Body = OtpBody }.WithHeader("Content-Type", contentType));

        ProblemAssert.IsProblem(response, 415, "unsupported-media-type");
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [Test]
    public async Task Missing_content_type_is_415()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp") { Body = OtpBody });

        ProblemAssert.IsProblem(response, 415);
    }

    [TestCase("application/json")]
    [TestCase("application/json; charset=utf-8")]
    [TestCase("Application/JSON; Charset=UTF-8")]
    [TestCase("application/json;charset=\"utf-8\"")]
    [TestCase("application/json ; charset=utf-8 ;")]
    public async Task Json_content_type_with_or_without_utf8_charset_is_accepted(string contentType)
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp") { Body = OtpBody }.WithHeader("Content-Type", contentType));

        Assert.That(response.Status, Is.EqualTo(202), response.ToString());
    }

    [Test]
    public async Task Empty_body_without_content_type_is_400_not_415()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp"));

        Assert.That(ProblemAssert.IsValidationProblem(response, "body"), Is.EqualTo(new[] { "must not be empty" }));
    }

    [Test]
    public async Task Empty_body_with_a_wrong_content_type_is_415()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp").WithHeader("Content-Type", "text/plain"));

        ProblemAssert.IsProblem(response, 415);
    }

    [Test]
    public async Task Content_type_is_checked_before_authentication()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/orgs") { Body = OrgBody }.WithHeader("Content-Type", "text/plain"));

        ProblemAssert.IsProblem(response, 415);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  \n ")]
    public async Task Empty_body_is_400(string? body)
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp") { Body = body }.WithHeader("Content-Type", "application/json"));

        var messages = ProblemAssert.IsValidationProblem(response, "body");
        Assert.That(messages, Is.EqualTo(new[] { "must not be empty" }));
    }

    [TestCase("{\"primary\":")]
    [TestCase("{'primary':'a@example.com'}")]
    [TestCase("{\"primary\":\"a@example.com\",}")]
    [TestCase("not json")]
    [TestCase("{} {}")]
    public async Task Malformed_json_is_400(string body)
    {
        var response = await _host.PostJsonAsync("/otp", body);

        var messages = ProblemAssert.IsValidationProblem(response, "body");
        Assert.That(messages.Single(), Does.StartWith("is not valid JSON (line 1, byte "));
    }

    [TestCase("[]")]
    [TestCase("\"text\"")]
    [TestCase("42")]
    [TestCase("null")]
    public async Task Json_that_is_not_an_object_is_400(string body)
    {
        var response = await _host.PostJsonAsync("/otp", body);

        Assert.That(ProblemAssert.IsValidationProblem(response, "body"), Is.EqualTo(new[] { "must be a JSON object" }));
    }

    [Test]
    public async Task Deeply_nested_json_is_400()
    {
        var deep = "{\"primary\":\"a@example.com\",\"role\":\"org\",\"country\":\"SG\",\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";

        var response = await _host.PostJsonAsync("/otp", deep);

        Assert.That(ProblemAssert.IsValidationProblem(response, "body").Single(), Does.StartWith("is nested more than 32 levels deep"));
    }

    [Test]
    public async Task Body_that_is_not_utf8_is_400()
    {
        byte[] body = [.. "{\"primary\":\""u8, 0xFF, 0xFE, .. "\",\"role\":\"org\",\"country\":\"SG\"}"u8];

        var response = await _host.SendAsync(new ApiRequest("POST", "/otp").WithBinaryBody(body).WithHeader("Content-Type", "application/json"));

        Assert.That(ProblemAssert.IsValidationProblem(response, "body"), Is.EqualTo(new[] { "must be valid UTF-8 text" }));
    }

    [Test]
    public async Task Base64_body_that_is_valid_utf8_is_decoded()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp").WithBinaryBody(Encoding.UTF8.GetBytes(OtpBody)).WithHeader("Content-Type", "application/json"));

        Assert.That(response.Status, Is.EqualTo(202), response.ToString());
    }

    [Test]
    public async Task Body_marked_base64_that_is_not_base64_is_400()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp") { Body = "{not base64}", IsBase64Encoded = true }.WithHeader("Content-Type", "application/json"));

        ProblemAssert.IsValidationProblem(response, "body");
    }

    [Test]
    public async Task Leading_byte_order_mark_is_ignored()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp")
            .WithBinaryBody([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(OtpBody)])
            .WithHeader("Content-Type", "application/json"));

        Assert.That(response.Status, Is.EqualTo(202), response.ToString());
    }

    [Test]
    public async Task Unknown_fields_are_ignored()
    {
        var response = await _host.PostJsonAsync("/orgs",
            """{"name":"Acme","location":"Singapore","id":"someone-else","version":99,"extra":{"nested":[1,2,{"deep":true}]}}""",
            _host.OrgToken(Subject));

        Assert.That(response.Status, Is.EqualTo(201), response.ToString());
        Assert.That(response.Json!["id"]!.GetValue<string>(), Is.EqualTo(Subject));
        Assert.That(response.Json["version"]!.GetValue<long>(), Is.EqualTo(1));
    }

    [TestCase("""{"name":5,"location":"Singapore"}""", "name", "must be a string, not a number")]
    [TestCase("""{"name":"Acme","location":true}""", "location", "must be a string, not a boolean")]
    [TestCase("""{"name":"Acme","location":"Singapore","description":["x"]}""", "description", "must be a string, not an array")]
    [TestCase("""{"name":{"first":"Acme"},"location":"Singapore"}""", "name", "must be a string, not an object")]
    [TestCase("""{"name":"\ud800","location":"Singapore"}""", "name", "must be valid Unicode text")]
    public async Task Mistyped_field_is_400_naming_it(string body, string field, string message)
    {
        var response = await _host.PostJsonAsync("/orgs", body, _host.OrgToken(Subject));

        Assert.That(ProblemAssert.IsValidationProblem(response, field), Is.EqualTo(new[] { message }));
        Assert.That(_host.Store.CommitCount, Is.Zero);
    }

    [TestCase("""{"location":"Singapore"}""", "name")]
    [TestCase("""{"name":null,"location":"Singapore"}""", "name")]
    [TestCase("""{"name":"Acme"}""", "location")]
    [TestCase("""{"name":"Acme","location":null}""", "location")]
    public async Task Missing_or_null_required_field_is_400_naming_it(string body, string field)
    {
        var response = await _host.PostJsonAsync("/orgs", body, _host.OrgToken(Subject));

        Assert.That(ProblemAssert.IsValidationProblem(response, field), Is.EqualTo(new[] { "is required" }));
    }

    [Test]
    public async Task Missing_token_is_401_before_a_malformed_body()
    {
        var response = await _host.PostJsonAsync("/orgs", "{broken");

        ProblemAssert.IsProblem(response, 401, "unauthorized");
        Assert.That(response.Header("WWW-Authenticate"), Is.EqualTo("Bearer"));
    }

    [Test]
    public async Task Wrong_role_is_403_before_a_malformed_body()
    {
        var response = await _host.PostJsonAsync("/orgs", "{broken", _host.WorkerToken(Subject));

        ProblemAssert.IsProblem(response, 403, "forbidden");
    }

    [Test]
    public async Task Updating_another_org_is_403_before_an_invalid_body()
    {
        var response = await _host.PutJsonAsync("/orgs/someone-else", """{"name":""}""", _host.OrgToken(Subject));

        ProblemAssert.IsProblem(response, 403);
    }

    [Test]
    public async Task Invalid_fields_are_400_before_state_is_consulted()
    {
        var response = await _host.PutJsonAsync($"/orgs/{Subject}", """{"name":"","location":"x"}""", _host.OrgToken(Subject), ifMatch: "\"7\"");

        Assert.That(ProblemAssert.IsValidationProblem(response, "name"), Is.EqualTo(new[] { "must not be empty" }));
    }

    [TestCase("Basic dXNlcjpwYXNz")]
    [TestCase("Bearer")]
    [TestCase("Bearer ")]
    [TestCase("Bearer two words")]
    [TestCase("Bearer tok\u00e9n")]
    [TestCase("Bearertoken")]
    [TestCase("token-without-scheme")]
    public async Task Malformed_authorization_header_is_401(string header)
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/orgs").WithJson(OrgBody).WithHeader("Authorization", header));

        ProblemAssert.IsProblem(response, 401);
        Assert.That(response.Header("WWW-Authenticate"), Is.EqualTo("Bearer error=\"invalid_token\""));
        Assert.That(_host.Tokens.Validations, Is.Zero);
    }

    [Test]
    public async Task Authorization_scheme_is_case_insensitive()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/orgs").WithJson(OrgBody).WithHeader("Authorization", "bEaReR " + _host.OrgToken(Subject)));

        Assert.That(response.Status, Is.EqualTo(201), response.ToString());
    }

    [Test]
    public async Task Two_authorization_headers_are_401()
    {
        var token = _host.OrgToken(Subject);
        var request = new ApiRequest("POST", "/orgs").WithJson(OrgBody).WithBearer(token).WithBearer(token);

        var response = await _host.SendAsync(request, PayloadFormat.RestApi);

        ProblemAssert.IsProblem(response, 401);
    }

    [Test]
    public async Task Token_that_does_not_validate_is_401()
    {
        var response = await _host.PostJsonAsync("/orgs", OrgBody, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");

        ProblemAssert.IsProblem(response, 401);
        Assert.That(response.Header("WWW-Authenticate"), Is.EqualTo("Bearer error=\"invalid_token\""));
    }

    [TestCase(typeof(FormatException))]
    [TestCase(typeof(System.Text.Json.JsonException))]
    [TestCase(typeof(System.Security.Cryptography.CryptographicException))]
    [TestCase(typeof(ArgumentException))]
    public async Task Token_the_validator_chokes_on_is_401_not_500(Type exceptionType)
    {
        var bearer = new BearerAuthentication(
            new ThrowingValidator((Exception)Activator.CreateInstance(exceptionType)!), NullLogger<BearerAuthentication>.Instance);
        var request = new HttpRequestData { Method = "POST", Path = "/orgs", RequestId = "r", Headers = Headers("Authorization", "Bearer abc.def.ghi") };

        var result = await bearer.AuthenticateAsync(request, CancellationToken.None);

        Assert.That(result.Claims, Is.Null);
        Assert.That(result.Refusal, Is.Not.Null.And.Property(nameof(UnauthorizedError.InvalidToken)).True);
    }

    [Test]
    public void Validator_failure_of_another_kind_is_not_hidden()
    {
        var bearer = new BearerAuthentication(
            new ThrowingValidator(new TimeoutException("key service")), NullLogger<BearerAuthentication>.Instance);
        var request = new HttpRequestData { Method = "POST", Path = "/orgs", RequestId = "r", Headers = Headers("Authorization", "Bearer abc") };

        Assert.ThrowsAsync<TimeoutException>(async () => await bearer.AuthenticateAsync(request, CancellationToken.None));
    }

    [Test]
    public async Task Unexpected_failure_is_a_500_that_leaks_nothing_and_is_logged()
    {
        _host.Store.FailNextLoad = new InvalidOperationException("connection string Password=hunter2 refused");

        var response = await _host.PostJsonAsync("/otp", OtpBody);

        var problem = ProblemAssert.IsProblem(response, 500, "internal");
        Assert.That(problem.ToJsonString(), Does.Not.Contain("hunter2").And.Not.Contain("InvalidOperationException"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain(response.Header("X-Request-Id")!));
        Assert.That(_host.Logs.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Exception?.Message),
            Does.Contain("connection string Password=hunter2 refused"));
    }

    [Test]
    public async Task Every_response_carries_a_request_id()
    {
        var ok = await _host.PostJsonAsync("/otp", OtpBody);
        var notFound = await _host.GetAsync("/nope");

        Assert.That(ok.Header("X-Request-Id"), Is.Not.Empty);
        Assert.That(notFound.Header("X-Request-Id"), Is.Not.Empty.And.Not.EqualTo(ok.Header("X-Request-Id")));
    }

    [Test]
    public async Task Jwks_is_served()
    {
        var response = await _host.GetAsync("/.well-known/jwks.json");

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(response.Header("Content-Type"), Is.EqualTo("application/json"));
        Assert.That(response.Body, Is.EqualTo(FakeTokenService.Jwks));
    }

    private static RequestHeaders Headers(string name, string value) =>
        RequestHeaders.From([new KeyValuePair<string, string?>(name, value)], null);

    private sealed class ThrowingValidator(Exception error) : ITokenValidator
    {
        public ValueTask<TokenClaims?> ValidateAsync(string token, CancellationToken cancellationToken) =>
            ValueTask.FromException<TokenClaims?>(error);
    }
}
