using System.Net.Http.Headers;
using System.Text;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

/// <summary>The calls a client of the API makes, over real HTTP, with the SPEC's happy paths asserted on the way.</summary>
public sealed class ApiClient(HttpClient http)
{
    public async Task<ApiResponse> SendAsync(
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
        return await ApiResponse.ReadAsync(response);
    }

    public Task<ApiResponse> GetAsync(string pathAndQuery, params (string Name, string Value)[] headers) =>
        SendAsync(HttpMethod.Get, pathAndQuery, null, null, headers);

    /// <summary>POST /otp; asserts the 202 and returns the OTP id.</summary>
    public async Task<string> RequestOtpAsync(string primary, string role = "org", string country = "SG")
    {
        var reply = await SendAsync(HttpMethod.Post, "/otp", Otp(primary, role, country));
        Assert.That(reply.Status, Is.EqualTo(202), reply.ToString());
        Assert.That(reply.Json!["channel"]!.GetValue<string>(), Is.EqualTo(role == "org" ? "email" : "sms"));
        return reply.Json!["otpId"]!.GetValue<string>();
    }

    public Task<ApiResponse> VerifyAsync(string primary, string otpId, string code, string role = "org", string country = "SG", string path = "/otp/verify") =>
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
    public Task<ApiResponse> WaitForOrgAsync(string id, long minVersion) =>
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
