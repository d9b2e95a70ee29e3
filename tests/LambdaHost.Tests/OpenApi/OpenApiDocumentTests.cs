using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests.OpenApi;

/// <summary>
/// <c>docs/openapi.yaml</c> against what the function really serves: the same operations as the route
/// table, every documented operation routed, 405 with an Allow header naming the documented methods,
/// and every status the function answers (and SPEC section 2 lists) documented for its operation.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private const string OrgId = "0b0d6c2e-5e7a-5c4b-9a53-3f1f8c6b2a11";

    private static readonly string[] ProbeMethods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    /// <summary>
    /// OPTIONS is served only when CORS_ALLOWED_ORIGINS is set (SPEC 5.4), so it is never in a 405's Allow
    /// nor in the route table of an unconfigured function. This one is not a merge shim: it stays.
    /// </summary>
    private const string ConditionalMethod = "OPTIONS";

    /// <summary>SPEC section 5: statuses the document must list for the second release's operations.</summary>
    private static readonly Dictionary<(string Path, string Method), string[]> Section5Statuses = new()
    {
        [("/otp", "POST")] = ["409", "422", "429"],
        [("/orgs", "POST")] = ["409", "422"],
        [("/orgs/{id}", "PUT")] = ["409", "422"],
        [("/orgs/{id}", "DELETE")] = ["200", "401", "403", "404", "409", "412", "422"],
        [("/orgs/{id}", "GET")] = ["410"],
        [("/orgs/{id}", "HEAD")] = ["200", "202", "304", "400", "404", "410"],
        [("/orgs/{id}/history", "GET")] = ["200", "400", "401", "403", "404"],
        [("/orgs/{id}/history", "HEAD")] = ["200", "400", "401", "403", "404"],
        [("/.well-known/jwks.json", "HEAD")] = ["200"],
    };

    /// <summary>SPEC section 2: the success and error statuses of each operation (413 and 415 wherever a body is read).</summary>
    private static readonly Dictionary<(string Path, string Method), string[]> SpecStatuses = new()
    {
        [("/otp", "POST")] = ["202", "400", "413", "415", "429"],
        [("/otp/verify", "POST")] = ["200", "400", "401", "413", "415"],
        [("/authenticate", "POST")] = ["200", "400", "401", "413", "415"],
        [("/orgs", "POST")] = ["201", "400", "401", "403", "409", "413", "415"],
        [("/orgs/{id}", "PUT")] = ["200", "400", "401", "403", "404", "412", "413", "415"],
        [("/orgs/{id}", "GET")] = ["200", "202", "304", "400", "404"],
        [("/.well-known/jwks.json", "GET")] = ["200"],
    };

    private OpenApiDocument _document = null!;
    private TestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _document = OpenApiDocument.Load();
        _host = new TestHost();
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    /// <summary>SPEC 5.1: HEAD is served wherever GET is, whether or not the document lists it.</summary>
    private static IEnumerable<string> WithHead(IEnumerable<string> methods) =>
        methods.Contains("GET") && !methods.Contains("HEAD") ? methods.Append("HEAD") : methods;

    [Test]
    public void Document_is_OpenAPI_3_1_and_its_references_resolve()
    {
        Assert.That(_document.Version, Does.Match(@"^3\.1\.\d+$"));
        Assert.That(_document.References(), Is.Not.Empty);
        Assert.That(_document.References().Where(r => !_document.Resolves(r)), Is.Empty);
    }

    [Test]
    public void Document_has_exactly_the_operations_of_the_route_table()
    {
        var documented = _document.Operations.Select(o => $"{o.Method} {o.Path}").ToList();
        // HEAD is served wherever GET is (SPEC 5.1) without a row of its own in the route table.
        var served = Routes.Table
            .SelectMany(r => r.Method == "GET" ? new[] { r.Method, "HEAD" } : [r.Method], (r, m) => $"{m} {r.Template}")
            .ToList();

        Assert.That(documented.Where(o => !o.StartsWith(ConditionalMethod + " ", StringComparison.Ordinal)), Is.EquivalentTo(served));
    }

    [Test]
    public void Route_table_is_what_the_router_matches()
    {
        Assert.Multiple(() =>
        {
            foreach (var group in Routes.Table.GroupBy(r => r.Template))
            {
                var path = Concrete(group.Key);
                foreach (var entry in group)
                {
                    Assert.That(Routes.Match(entry.Method, path).Endpoint, Is.SameAs(entry), $"{entry.Method} {path}");
                }

                foreach (var method in ProbeMethods.Except(group.Select(e => e.Method)))
                {
                    var match = Routes.Match(method, path);
                    Assert.That(match.Endpoint, Is.Null, $"{method} {path}");
                    Assert.That(match.AllowedMethods, Is.EquivalentTo(WithHead(group.Select(e => e.Method))), $"{method} {path}");
                }
            }

            foreach (var path in new[] { "/", "/otp/", "/orgs/", "/orgs/a/b", "/Otp", "/otp/verify/x", "/.well-known/jwks", "/jwks.json" })
            {
                Assert.That(Routes.Match("GET", path).IsNotFound, Is.True, path);
                Assert.That(Routes.Match("POST", path).IsNotFound, Is.True, path);
            }
        });
    }

    [Test]
    public async Task Every_documented_operation_is_routed_by_the_function()
    {
        foreach (var operation in _document.Operations.Where(o => o.Method != ConditionalMethod))
        {
            var request = new ApiRequest(operation.Method, Concrete(operation.Path));
            if (operation.Method is "POST" or "PUT")
            {
                request = request.WithJson("{}");
            }

            var response = await _host.SendAsync(request);

            Assert.That(response.Status, Is.Not.EqualTo(405), $"{operation.Method} {operation.Path}: {response}");
            Assert.That(ProblemType(response), Is.Not.EqualTo(Problems.Types.RouteNotFound), $"{operation.Method} {operation.Path}: {response}");
        }
    }

    [Test]
    public async Task A_method_not_documented_for_a_path_is_405_with_Allow_naming_the_documented_methods()
    {
        var probed = 0;
        foreach (var path in _document.Paths)
        {
            var documented = _document.MethodsOf(path)
                .Where(m => m != ConditionalMethod)
                .ToHashSet();
            if (documented.Count == 0)
            {
                continue;
            }

            foreach (var method in ProbeMethods.Except(documented))
            {
                var response = await _host.SendAsync(new ApiRequest(method, Concrete(path)));

                Assert.That(response.Status, Is.EqualTo(405), $"{method} {path}: {response}");
                var allow = response.Header("Allow")!.Split(',', StringSplitOptions.TrimEntries);
                Assert.That(allow, Is.EquivalentTo(WithHead(documented)), $"Allow of {method} {path}");
                probed++;
            }
        }

        Assert.That(probed, Is.GreaterThan(0));
    }

    [Test]
    public void Document_lists_every_status_SPEC_section_2_gives_each_operation()
    {
        Assert.Multiple(() =>
        {
            foreach (var ((path, method), statuses) in SpecStatuses.Concat(Section5Statuses))
            {
                var operation = _document.Operations.SingleOrDefault(o => o.Path == path && o.Method == method);
                Assert.That(operation, Is.Not.Null, $"{method} {path} is not documented");
                Assert.That(operation?.Statuses, Is.SupersetOf(statuses), $"{method} {path}");
            }
        });
    }

    [Test]
    public async Task Every_status_the_function_answers_is_documented_for_its_operation()
    {
        var answered = await AnswerEveryStatusAsync();

        Assert.Multiple(() =>
        {
            foreach (var ((path, method), statuses) in answered)
            {
                var operation = _document.Operations.SingleOrDefault(o => o.Path == path && o.Method == method);
                Assert.That(operation?.Statuses, Is.SupersetOf(statuses), $"{method} {path} answered {string.Join(", ", statuses)}");
            }

            // The scenarios below reach every status the SPEC names, so a clean result covers them all.
            foreach (var (operation, statuses) in SpecStatuses)
            {
                Assert.That(answered.GetValueOrDefault(operation), Is.SupersetOf(statuses), $"scenarios of {operation.Method} {operation.Path}");
            }
        });
    }

    /// <summary>Requests through the function (in-memory adapters) that draw out each status of each operation.</summary>
    private async Task<Dictionary<(string Path, string Method), SortedSet<string>>> AnswerEveryStatusAsync()
    {
        var answered = new Dictionary<(string, string), SortedSet<string>>();

        async Task<ApiResponse> Send(string template, ApiRequest request)
        {
            var response = await _host.SendAsync(request);
            if (!answered.TryGetValue((template, request.Method), out var statuses))
            {
                answered[(template, request.Method)] = statuses = [];
            }

            statuses.Add(response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }

        ApiRequest Post(string path, string json) => new ApiRequest("POST", path).WithJson(json);
        ApiRequest Put(string path, string json) => new ApiRequest("PUT", path).WithJson(json);
        var huge = "{\"primary\":\"" + new string('x', 70_000) + "\"}";
        ApiRequest WrongType(string method, string path) => new ApiRequest(method, path) { Body = "{}" }.WithHeader("Content-Type", "text/plain");

        // POST /otp
        var otpId = (await Send("/otp", Post("/otp", """{"primary":"doc@example.com","role":"org","country":"SG"}"""))).Json!["otpId"]!.GetValue<string>();
        await Send("/otp", Post("/otp", """{"primary":"doc@example.com","role":"org","country":"SG"}"""));
        await Send("/otp", Post("/otp", """{"primary":"doc@example.com"}"""));
        await Send("/otp", Post("/otp", huge));
        await Send("/otp", WrongType("POST", "/otp"));

        // POST /otp/verify and its alias
        var aliasOtpId = (await _host.PostJsonAsync("/otp", """{"primary":"alias@example.com","role":"org","country":"SG"}""")).Json!["otpId"]!.GetValue<string>();
        foreach (var (path, primary, id) in new[] { ("/otp/verify", "doc@example.com", otpId), ("/authenticate", "alias@example.com", aliasOtpId) })
        {
            string Verify(string code) => $$"""{"primary":"{{primary}}","role":"org","country":"SG","otpId":"{{id}}","code":"{{code}}"}""";
            await Send(path, Post(path, Verify(DeterministicOtpCodes.WrongCodeFor(id))));
            await Send(path, Post(path, Verify(DeterministicOtpCodes.CodeFor(id))));
            await Send(path, Post(path, Verify("12ab")));
            await Send(path, Post(path, huge));
            await Send(path, WrongType("POST", path));
        }

        // POST /orgs
        var owner = _host.OrgToken(OrgId);
        const string profile = """{"name":"Documented","location":"Singapore"}""";
        await Send("/orgs", Post("/orgs", profile).WithBearer(owner));
        await Send("/orgs", Post("/orgs", profile).WithBearer(owner));
        await Send("/orgs", Post("/orgs", profile));
        await Send("/orgs", Post("/orgs", profile).WithBearer(_host.WorkerToken("w-1")));
        await Send("/orgs", Post("/orgs", """{"name":""}""").WithBearer(_host.OrgToken("someone-else")));
        await Send("/orgs", Post("/orgs", huge));
        await Send("/orgs", WrongType("POST", "/orgs"));

        // GET /orgs/{id}, before and after the read model has the org
        await Send("/orgs/{id}", new ApiRequest("GET", $"/orgs/{OrgId}") { Query = "minVersion=1" });
        await Send("/orgs/{id}", new ApiRequest("GET", $"/orgs/{OrgId}") { Query = "minVersion=one" });
        await Send("/orgs/{id}", new ApiRequest("GET", "/orgs/nobody"));
        await _host.DeliverPublishedAsync();
        await Send("/orgs/{id}", new ApiRequest("GET", $"/orgs/{OrgId}"));
        await Send("/orgs/{id}", new ApiRequest("GET", $"/orgs/{OrgId}").WithHeader("If-None-Match", "\"1\""));

        // PUT /orgs/{id}
        var orgPath = $"/orgs/{OrgId}";
        await Send("/orgs/{id}", Put(orgPath, profile).WithBearer(owner).WithHeader("If-Match", "\"1\""));
        await Send("/orgs/{id}", Put(orgPath, profile).WithBearer(owner).WithHeader("If-Match", "\"1\""));
        await Send("/orgs/{id}", Put(orgPath, """{"location":"x"}""").WithBearer(owner));
        await Send("/orgs/{id}", Put(orgPath, profile));
        await Send("/orgs/{id}", Put(orgPath, profile).WithBearer(_host.OrgToken("someone-else")));
        await Send("/orgs/{id}", Put("/orgs/never-created", profile).WithBearer(_host.OrgToken("never-created")));
        await Send("/orgs/{id}", Put(orgPath, huge));
        await Send("/orgs/{id}", WrongType("PUT", orgPath));

        // GET /.well-known/jwks.json
        await Send("/.well-known/jwks.json", new ApiRequest("GET", "/.well-known/jwks.json"));

        return answered;
    }

    private static string Concrete(string template) => template.Replace("{id}", OrgId, StringComparison.Ordinal);

    private static string? ProblemType(ApiResponse response) =>
        response.Header("Content-Type") is { } type && type.StartsWith("application/problem+json", StringComparison.Ordinal)
            ? response.Json?["type"]?.GetValue<string>()
            : null;
}
