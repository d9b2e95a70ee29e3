using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd;

/// <summary>
/// The whole product in local mode over real HTTP: real stores, the durable in-process broker and its
/// pump, key files and the dev mailbox. The same flow runs on the embedded SQLite store and on the
/// DynamoDB store (dynalite).
/// </summary>
[TestFixture(StoreUnderTest.Sqlite)]
[TestFixture(StoreUnderTest.DynamoDb)]
public sealed class LocalServerFlowTests(StoreUnderTest store)
{
    private TemporaryDataDirectory _data = null!;
    private LocalService _service = null!;

    private ApiClient Api => _service.Api;

    [SetUp]
    public async Task SetUp()
    {
        _data = new TemporaryDataDirectory();
        _service = await LocalService.StartAsync(await ServiceEnvironment.CreateAsync(store, _data.Path));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _service.DisposeAsync();
        _data.Dispose();
    }

    [Test]
    public async Task An_org_signs_in_creates_updates_and_reads_its_profile_over_http()
    {
        var otpId = await Api.RequestOtpAsync("  Owner@Example.COM ");
        Assert.That(otpId, Does.Match("^[0-9a-f]{32}$"));

        var mail = await Mailbox.WaitForAsync(_data.Path, otpId);
        Assert.That(mail.Channel, Is.EqualTo("email"));
        Assert.That(mail.To, Is.EqualTo("Owner@example.com"));
        Assert.That(mail.Code, Does.Match("^[0-9]{6}$"));
        Assert.That(DateTimeOffset.Parse(mail.SentAt, System.Globalization.CultureInfo.InvariantCulture).Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(mail.SentAt, Does.EndWith("Z"));

        var verified = await Api.VerifyAsync("Owner@example.com", otpId, mail.Code);
        Assert.That(verified.Status, Is.EqualTo(200), verified.ToString());
        Assert.That(verified.Header("Cache-Control"), Is.EqualTo("no-store"));
        Assert.That(verified.Json!["tokenType"]!.GetValue<string>(), Is.EqualTo("Bearer"));
        Assert.That(verified.Json["expiresIn"]!.GetValue<long>(), Is.EqualTo(86_400));
        var token = verified.Json["token"]!.GetValue<string>();
        var id = verified.Json["subject"]!.GetValue<string>();

        // Single use: the same code again is refused.
        var again = await Api.VerifyAsync("Owner@example.com", otpId, mail.Code);
        Assert.That(again.Status, Is.EqualTo(401), again.ToString());
        Assert.That(again.Json!["reason"]!.GetValue<string>(), Is.EqualTo("used"));

        var created = await Api.SendAsync(HttpMethod.Post, "/orgs", """{"name":" Acme ","location":"Singapore","description":"Widgets"}""", token);
        Assert.That(created.Status, Is.EqualTo(201), created.ToString());
        Assert.That(created.Header("Location"), Is.EqualTo($"/orgs/{id}"));
        Assert.That(created.Header("ETag"), Is.EqualTo("\"1\""));
        Assert.That(created.Json!["version"]!.GetValue<long>(), Is.EqualTo(1));

        var first = await Api.WaitForOrgAsync(id, 1);
        Assert.That(first.Header("ETag"), Is.EqualTo("\"1\""));
        Assert.That(first.Json!["id"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(first.Json["name"]!.GetValue<string>(), Is.EqualTo("Acme"));
        Assert.That(first.Json["location"]!.GetValue<string>(), Is.EqualTo("Singapore"));
        Assert.That(first.Json["description"]!.GetValue<string>(), Is.EqualTo("Widgets"));
        Assert.That(first.Json["version"]!.GetValue<long>(), Is.EqualTo(1));

        var updated = await Api.SendAsync(HttpMethod.Put, $"/orgs/{id}", """{"name":"Acme Pte Ltd","location":"Jurong"}""", token, ("If-Match", "\"1\""));
        Assert.That(updated.Status, Is.EqualTo(200), updated.ToString());
        Assert.That(updated.Header("ETag"), Is.EqualTo("\"2\""));
        Assert.That(updated.Json!["version"]!.GetValue<long>(), Is.EqualTo(2));

        var second = await Api.WaitForOrgAsync(id, 2);
        Assert.That(second.Header("ETag"), Is.EqualTo("\"2\""));
        Assert.That(second.Json!["name"]!.GetValue<string>(), Is.EqualTo("Acme Pte Ltd"));
        Assert.That(second.Json["location"]!.GetValue<string>(), Is.EqualTo("Jurong"));
        Assert.That(second.Json["description"], Is.Null, "a PUT without description clears it");

        var stale = await Api.SendAsync(HttpMethod.Put, $"/orgs/{id}", """{"name":"Lost","location":"Nowhere"}""", token, ("If-Match", "\"1\""));
        Assert.That(stale.Status, Is.EqualTo(412), stale.ToString());
        Assert.That(stale.MediaType, Is.EqualTo("application/problem+json"));

        var notModified = await Api.GetAsync($"/orgs/{id}", ("If-None-Match", "\"2\""));
        Assert.That(notModified.Status, Is.EqualTo(304), notModified.ToString());
        Assert.That(notModified.Header("ETag"), Is.EqualTo("\"2\""));
        Assert.That(notModified.Body, Is.Null);

        // The refused PUT changed nothing.
        var final = await Api.GetAsync($"/orgs/{id}");
        Assert.That(final.Status, Is.EqualTo(200));
        Assert.That(final.Body, Is.EqualTo(second.Body));

        // The store under test is the one that held all this; the broker's file is there either way.
        Assert.That(File.Exists(_data.File("events.db")), Is.EqualTo(store == StoreUnderTest.Sqlite));
        Assert.That(File.Exists(_data.File("broker.db")), Is.True);
    }

    [Test]
    public async Task An_org_closes_itself_and_reads_its_history_over_http()
    {
        var (token, id) = await Api.SignInAsync(_data.Path, "closing@example.com");
        var never = await Api.GetAsync($"/orgs/{Guid.NewGuid()}?minVersion=1");
        Assert.That(never.Status, Is.EqualTo(404), "a poll for an org with no stream ends");

        var version = await Api.CreateOrgAsync(token, """{"name":"Closing Co","location":"Hanoi"}""");
        var head = await Api.SendAsync(HttpMethod.Head, $"/orgs/{id}?minVersion={version}");
        Assert.That(head.Status, Is.AnyOf(200, 202), head.ToString());
        Assert.That(head.Body, Is.Null.Or.Empty);
        await Api.WaitForOrgAsync(id, version);

        var closed = await Api.SendAsync(HttpMethod.Delete, $"/orgs/{id}", null, token, ("If-Match", "\"1\""));
        Assert.That(closed.Status, Is.EqualTo(200), closed.ToString());
        Assert.That(closed.Header("ETag"), Is.EqualTo("\"2\""));
        Assert.That((await Api.SendAsync(HttpMethod.Delete, $"/orgs/{id}", null, token)).Status, Is.EqualTo(409));
        Assert.That((await Api.SendAsync(HttpMethod.Put, $"/orgs/{id}", """{"name":"Back","location":"Hue"}""", token)).Status, Is.EqualTo(409));

        // Once the read model has the close, the org is gone; until then a poll for it waits.
        var gone = await Poll.UntilAsync(
            async () =>
            {
                var reply = await Api.GetAsync($"/orgs/{id}?minVersion=2");
                Assert.That(reply.Status, Is.AnyOf(202, 410), reply.ToString());
                return reply.Status == 410 ? reply : null;
            },
            $"org {id} gone");
        Assert.That(gone.MediaType, Is.EqualTo("application/problem+json"));

        var history = await Api.SendAsync(HttpMethod.Get, $"/orgs/{id}/history?limit=1", null, token);
        Assert.That(history.Status, Is.EqualTo(200), history.ToString());
        Assert.That(history.Json!["events"]![0]!["type"]!.GetValue<string>(), Is.EqualTo("OrgCreated.v1"));
        Assert.That(history.Json["next"]!.GetValue<long>(), Is.EqualTo(1));
        var rest = await Api.SendAsync(HttpMethod.Get, $"/orgs/{id}/history?after=1", null, token);
        Assert.That(rest.Json!["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()), Is.EqualTo(new[] { "OrgClosed.v1" }));
        Assert.That(rest.Json["next"], Is.Null);
    }

    [Test]
    public async Task Authenticate_is_an_alias_of_verify()
    {
        var (token, subject) = await Api.SignInAsync(_data.Path, "alias@example.com", verifyPath: "/authenticate");

        var version = await Api.CreateOrgAsync(token, """{"name":"Alias Co","location":"Manila"}""");

        var read = await Api.WaitForOrgAsync(subject, version);
        Assert.That(read.Json!["name"]!.GetValue<string>(), Is.EqualTo("Alias Co"));
    }

    [Test]
    public async Task The_token_signature_verifies_with_the_served_jwks()
    {
        var (token, subject) = await Api.SignInAsync(_data.Path, "keys@example.com", country: "JP");

        var jwks = await Api.GetAsync("/.well-known/jwks.json");
        Assert.That(jwks.Status, Is.EqualTo(200), jwks.ToString());
        var parts = token.Split('.');
        Assert.That(parts, Has.Length.EqualTo(3));
        var header = JsonNode.Parse(Base64Url(parts[0]))!;
        Assert.That(header["alg"]!.GetValue<string>(), Is.EqualTo("RS256"));
        var kid = header["kid"]!.GetValue<string>();
        var key = jwks.Json!["keys"]!.AsArray().Single(k => k!["kid"]!.GetValue<string>() == kid)!;
        Assert.That(key["kty"]!.GetValue<string>(), Is.EqualTo("RSA"));

        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Base64Url(key["n"]!.GetValue<string>()),
            Exponent = Base64Url(key["e"]!.GetValue<string>()),
        });
        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url(parts[2]);
        Assert.That(rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), Is.True);

        var claims = JsonNode.Parse(Base64Url(parts[1]))!;
        Assert.That(claims["iss"]!.GetValue<string>(), Is.EqualTo("cleancqrs"));
        Assert.That(claims["sub"]!.GetValue<string>(), Is.EqualTo(subject));
        Assert.That(claims["role"]!.GetValue<string>(), Is.EqualTo("org"));
        Assert.That(claims["country"]!.GetValue<string>(), Is.EqualTo("JP"));
        Assert.That(claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>(), Is.EqualTo(86_400));

        var tampered = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1].Replace(parts[1][^2..], parts[1][^2..] == "AA" ? "AB" : "AA", StringComparison.Ordinal));
        Assert.That(rsa.VerifyData(tampered, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), Is.False);
    }

    private static byte[] Base64Url(string segment) => Convert.FromBase64String(
        segment.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (segment.Length % 4)) % 4));
}
