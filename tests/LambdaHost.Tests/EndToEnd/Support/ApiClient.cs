using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

/// <summary>An HTTP response read to the end: status, headers (response and content alike) and body text.</summary>
public sealed class HttpReply
{
    private readonly Dictionary<string, string[]> headers = new(StringComparer.OrdinalIgnoreCase);

    private HttpReply(int status, string body)
    {
        Status = status;
        Body = body;
    }

    public int Status { get; }

    public string Body { get; }

    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public string? MediaType { get; private init; }

    public string? Header(string name) => headers.TryGetValue(name, out var values) ? string.Join(", ", values) : null;

    public static async Task<HttpReply> ReadAsync(HttpResponseMessage response)
    {
        var reply = new HttpReply((int)response.StatusCode, await response.Content.ReadAsStringAsync())
        {
            MediaType = response.Content.Headers.ContentType?.MediaType,
        };
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            reply.headers[name] = [.. values];
        }

        return reply;
    }

    public override string ToString() => $"{Status} {Body}";
}

/// <summary>The calls a client of the API makes, over real HTTP, with the SPEC's happy paths asserted on the way.</summary>
public sealed class ApiClient(HttpClient http)
{
    public async Task<HttpReply> SendAsync(
        HttpMethod method, string pathAndQuery, string? json = null, string? token = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request);
        return await HttpReply.ReadAsync(response);
    }

    public Task<HttpReply> GetAsync(string pathAndQuery, params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Get, pathAndQuery, null, null, headers);

    /// <summary>POST /otp; asserts the 202 and returns the OTP id.</summary>
    public async Task<string> RequestOtpAsync(string primary, string role = "org", string country = "SG")
    {
        var reply = await SendAsync(HttpMethod.Post, "/otp", Otp(primary, role, country));
        Assert.That(reply.Status, Is.EqualTo(202), reply.ToString());
        Assert.That(reply.Json!["channel"]!.GetValue<string>(), Is.EqualTo(role == "org" ? "email" : "sms"));
        return reply.Json!["otpId"]!.GetValue<string>();
    }

    public Task<HttpReply> VerifyAsync(string primary, string otpId, string code, string role = "org", string country = "SG", string path = "/otp/verify") =>
        SendAsync(HttpMethod.Post, path, $$"""{"primary":"{{primary}}","role":"{{role}}","country":"{{country}}","otpId":"{{otpId}}","code":"{{code}}"}""");

    /// <summary>The OTP dance: request, read the code from the dev mailbox, verify. Returns the token and its subject.</summary>
    public async Task<(string Token, string Subject)> SignInAsync(
        string dataDirectory, string primary, string role = "org", string country = "SG", string verifyPath = "/otp/verify")
    {
        var otpId = await RequestOtpAsync(primary, role, country);
        var delivered = await Mailbox.WaitForAsync(dataDirectory, otpId);
        var verified = await VerifyAsync(primary, otpId, delivered.Code, role, country, verifyPath);
        Assert.That(verified.Status, Is.EqualTo(200), verified.ToString());
        return (verified.Json!["token"]!.GetValue<string>(), verified.Json!["subject"]!.GetValue<string>());
    }

    /// <summary>POST /orgs; asserts the 201 and returns the version written.</summary>
    public async Task<long> CreateOrgAsync(string token, string json)
    {
        var reply = await SendAsync(HttpMethod.Post, "/orgs", json, token);
        Assert.That(reply.Status, Is.EqualTo(201), reply.ToString());
        return reply.Json!["version"]!.GetValue<long>();
    }

    /// <summary>
    /// Polls <c>GET /orgs/{id}?minVersion=N</c> as a client does after a write: 202 with Retry-After
    /// while the read model is behind, until the 200 (within the SPEC's 10 s bound).
    /// </summary>
    public Task<HttpReply> WaitForOrgAsync(string id, long minVersion) =>
        Poll.UntilAsync(
            async () =>
            {
                var reply = await GetAsync($"/orgs/{id}?minVersion={minVersion}");
                if (reply.Status == 200)
                {
                    return reply;
                }

                Assert.That(reply.Status, Is.EqualTo(202), reply.ToString());
                Assert.That(reply.Header("Retry-After"), Is.Not.Null, "202 without Retry-After");
                Assert.That(reply.Json!["minVersion"]!.GetValue<long>(), Is.EqualTo(minVersion));
                Assert.That(reply.Json!["version"]!.GetValue<long>(), Is.LessThan(minVersion));
                return null;
            },
            $"org {id} at version {minVersion} in the read model");

    public static string Otp(string primary, string role = "org", string country = "SG") =>
        $$"""{"primary":"{{primary}}","role":"{{role}}","country":"{{country}}"}""";
}
