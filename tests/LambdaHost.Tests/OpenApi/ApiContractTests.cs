using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests.OpenApi;

/// <summary>
/// The check every end-to-end response goes through (<see cref="ApiContract"/>, hooked into
/// <see cref="ApiResponse"/>): right answers pass, and each kind of wrong answer fails it.
/// </summary>
public sealed class ApiContractTests
{
    private const string OrgId = "0b0d6c2e-5e7a-8c4b-9a53-3f1f8c6b2a11";
    private const string Reason = "the contract's own tests build responses by hand";

    private static readonly (string, string)[] Ids = [("X-Request-Id", "r-1"), ("X-Correlation-Id", "r-1")];

    private static readonly ApiRequest GetOrg = new("GET", "/orgs/" + OrgId);

    private static ApiContract Contract => ApiContract.Document;

    [Test]
    public void A_documented_answer_keeps_the_contract()
    {
        var response = Org(200, """{"id":"a","name":"A","location":"B","description":null,"version":2,"updatedAt":"2026-11-27T09:00:00Z"}""", ("ETag", "\"2\""));

        Assert.That(Contract.Check(GetOrg, response), Is.Empty);
    }

    [Test]
    public void A_status_the_operation_does_not_list_breaks_it()
    {
        var response = Problem(418);

        Assert.That(Contract.Check(GetOrg, response), Has.Some.Contains("status 418 is not documented for GET /orgs/{id}"));
    }

    [Test]
    public void A_body_against_its_schema_breaks_it()
    {
        // version as text, updatedAt not a date-time, name missing.
        var response = Org(200, """{"id":"a","location":"B","description":null,"version":"2","updatedAt":"yesterday"}""", ("ETag", "\"2\""));

        var violations = Contract.Check(GetOrg, response);

        Assert.That(violations, Has.Some.Contains("does not match its schema"));
        var message = string.Join("\n", violations);
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.Contain("/version"));
            Assert.That(message, Does.Contain("/updatedAt"));
            Assert.That(message, Does.Contain("name"));
        });
    }

    [Test]
    public void A_header_the_response_does_not_declare_breaks_it()
    {
        var response = Org(200, """{"id":"a","name":"A","location":"B","description":null,"version":2,"updatedAt":"2026-11-27T09:00:00Z"}""", ("ETag", "\"2\""), ("X-Powered-By", "tests"));

        Assert.That(Contract.Check(GetOrg, response), Has.Some.Contains("header X-Powered-By is not declared"));
    }

    [Test]
    public void A_missing_required_header_or_a_value_against_its_schema_breaks_it()
    {
        var noETag = Org(200, """{"id":"a","name":"A","location":"B","description":null,"version":2,"updatedAt":"2026-11-27T09:00:00Z"}""");
        var badRetryAfter = Org(202, """{"version":1,"minVersion":2}""", ("Retry-After", "soon"));

        Assert.Multiple(() =>
        {
            Assert.That(Contract.Check(GetOrg, noETag), Has.Some.Contains("required header ETag is missing"));
            Assert.That(Contract.Check(GetOrg, badRetryAfter), Has.Some.Contains("header Retry-After: 'soon' is not an integer"));
        });
    }

    [Test]
    public void A_content_type_or_a_body_the_response_does_not_document_breaks_it()
    {
        var html = ApiResponse.Unchecked(404, "<h1>Not found</h1>", Reason, [.. Ids, ("Content-Type", "text/html")]);
        var bodyOn304 = Org(304, "{}", ("ETag", "\"2\""));

        Assert.Multiple(() =>
        {
            Assert.That(Contract.Check(GetOrg, html), Has.Some.Contains("content type 'text/html' is not documented"));
            Assert.That(Contract.Check(GetOrg, bodyOn304), Has.Some.Contains("documents no body but has one"));
        });
    }

    [Test]
    public void Unknown_paths_and_methods_must_be_refused_with_a_problem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Contract.Check(new ApiRequest("GET", "/nowhere"), Problem(404)), Is.Empty);
            Assert.That(Contract.Check(new ApiRequest("GET", "/nowhere"), Org(200, "{}")), Has.Some.Contains("must be answered 404"));
            Assert.That(Contract.Check(new ApiRequest("PATCH", "/orgs/" + OrgId), Problem(405)), Has.Some.Contains("405 without an Allow header"));
            Assert.That(Contract.Check(new ApiRequest("GET", "/orgs/"), Problem(404)), Is.Empty, "an empty {id} is no org path");
        });
    }

    [Test]
    public void A_wrong_response_from_the_function_entry_fails_the_test_that_received_it()
    {
        // The hook: a response is checked as it is built, so a test never sees a wrong one.
        var wrong = """{"statusCode":200,"headers":{"Content-Type":"application/json","X-Request-Id":"r","X-Correlation-Id":"r"},"body":"{\"keys\":\"none\"}","isBase64Encoded":false}"""u8.ToArray();

        var failure = Assert.Throws<ApiContractViolationException>(() => ApiResponse.Parse(wrong, new ApiRequest("GET", "/.well-known/jwks.json")));

        Assert.That(failure!.Message, Does.Contain("/keys"));
    }

    [Test]
    public async Task Every_response_through_the_test_host_is_counted_as_validated()
    {
        using var host = new TestHost();
        var before = ApiContract.Validated;

        await host.SendAsync(new ApiRequest("GET", "/.well-known/jwks.json"));
        await host.SendAsync(new ApiRequest("GET", "/orgs/nobody"), PayloadFormat.RestApi);

        Assert.That(ApiContract.Validated - before, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void Every_parameter_header_request_body_and_response_body_has_an_example()
    {
        Assert.That(Contract.MissingExamples(), Is.Empty);
    }

    [Test]
    public void Document_operations_are_read_by_Microsoft_OpenApi()
    {
        Assert.That(Contract.Operations, Has.Member("GET /orgs/{id}").And.Member("DELETE /orgs/{id}").And.Member("GET /orgs/{id}/history"));
    }

    private static ApiResponse Org(int status, string? body, params (string, string)[] headers) =>
        ApiResponse.Unchecked(status, body, Reason, [.. Ids, ("Content-Type", "application/json"), .. headers]);

    private static ApiResponse Problem(int status) =>
        ApiResponse.Unchecked(status, $$"""{"type":"urn:x","title":"t","status":{{status}},"detail":"d"}""", Reason, [.. Ids, ("Content-Type", "application/problem+json")]);
}
