using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

public sealed class EndToEndFlowTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task An_org_signs_in_creates_its_profile_and_reads_it_back_through_the_queue()
    {
        // Request an OTP: the code only travels once the OtpIssued event is delivered through SQS.
        var requested = await _host.PostJsonAsync("/otp", """{"primary":"  Owner@Example.COM ","role":"org","country":"sg"}""");
        Assert.That(requested.Status, Is.EqualTo(202), requested.ToString());
        var otpId = requested.Json!["otpId"]!.GetValue<string>();
        Assert.That(requested.Json["channel"]!.GetValue<string>(), Is.EqualTo("email"));
        Assert.That(requested.Json["expiresAt"]!.GetValue<string>(), Is.EqualTo("2026-11-27T09:05:00Z"));
        Assert.That(_host.Sender.Sent, Is.Empty);

        Assert.That(await _host.DeliverPublishedAsync(), Is.Empty);
        var message = _host.Sender.Sent.Single();
        Assert.That(message.To, Is.EqualTo("Owner@example.com"));
        Assert.That(message.OtpId, Is.EqualTo(otpId));

        // Verify through the alias: a token for the org.
        var verified = await _host.PostJsonAsync("/authenticate",
            $$"""{"primary":"Owner@example.com","role":"org","country":"SG","otpId":"{{otpId}}","code":"{{message.Code}}"}""");
        Assert.That(verified.Status, Is.EqualTo(200), verified.ToString());
        Assert.That(verified.Header("Cache-Control"), Is.EqualTo("no-store"));
        var token = verified.Json!["token"]!.GetValue<string>();
        var subject = verified.Json["subject"]!.GetValue<string>();
        Assert.That(verified.Json["tokenType"]!.GetValue<string>(), Is.EqualTo("Bearer"));
        Assert.That(verified.Json["expiresIn"]!.GetValue<long>(), Is.EqualTo(86_400));

        // Create the org: 201 with Location and ETag; the read model is not there yet.
        var created = await _host.PostJsonAsync("/orgs", """{"name":" Acme ","location":"Singapore"}""", token);
        Assert.That(created.Status, Is.EqualTo(201), created.ToString());
        Assert.That(created.Header("Location"), Is.EqualTo($"/orgs/{subject}"));
        Assert.That(created.Header("ETag"), Is.EqualTo("\"1\""));
        Assert.That(created.Json!["id"]!.GetValue<string>(), Is.EqualTo(subject));
        Assert.That(created.Json["version"]!.GetValue<long>(), Is.EqualTo(1));

        var pending = await _host.GetAsync($"/orgs/{subject}", "minVersion=1");
        Assert.That(pending.Status, Is.EqualTo(202), pending.ToString());
        Assert.That(pending.Header("Retry-After"), Is.EqualTo("1"));
        Assert.That(pending.Json!["version"]!.GetValue<long>(), Is.EqualTo(0));
        Assert.That(pending.Json["minVersion"]!.GetValue<long>(), Is.EqualTo(1));

        // The queue delivers the events (this time wrapped in SNS notifications); the read model catches up.
        Assert.That(await _host.DeliverPublishedAsync(viaSns: true), Is.Empty);
        var read = await _host.GetAsync($"/orgs/{subject}", "minVersion=1");
        Assert.That(read.Status, Is.EqualTo(200), read.ToString());
        Assert.That(read.Header("ETag"), Is.EqualTo("\"1\""));
        Assert.That(read.Json!.ToJsonString(), Is.EqualTo(
            $$"""{"id":"{{subject}}","name":"Acme","location":"Singapore","description":null,"version":1,"updatedAt":"2026-11-27T09:00:00Z"}"""));

        // Update with the ETag as If-Match, then read the new version.
        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        var updated = await _host.PutJsonAsync($"/orgs/{subject}",
            """{"name":"Acme Pte Ltd","location":"Singapore","description":"Line one\nLine two"}""", token, ifMatch: "\"1\"");
        Assert.That(updated.Status, Is.EqualTo(200), updated.ToString());
        Assert.That(updated.Header("ETag"), Is.EqualTo("\"2\""));
        Assert.That(updated.Json!["version"]!.GetValue<long>(), Is.EqualTo(2));

        Assert.That((await _host.GetAsync($"/orgs/{subject}", "minVersion=2")).Status, Is.EqualTo(202));
        Assert.That(await _host.DeliverPublishedAsync(), Is.Empty);
        var reread = await _host.GetAsync($"/orgs/{subject}", "minVersion=2");
        Assert.That(reread.Status, Is.EqualTo(200), reread.ToString());
        Assert.That(reread.Header("ETag"), Is.EqualTo("\"2\""));
        Assert.That(reread.Json!["name"]!.GetValue<string>(), Is.EqualTo("Acme Pte Ltd"));
        Assert.That(reread.Json["description"]!.GetValue<string>(), Is.EqualTo("Line one\nLine two"));
        Assert.That(reread.Json["updatedAt"]!.GetValue<string>(), Is.EqualTo("2026-11-27T09:01:00Z"));

        var notModified = await _host.GetAsync($"/orgs/{subject}", ifNoneMatch: "\"2\"");
        Assert.That(notModified.Status, Is.EqualTo(304));
        Assert.That(notModified.Body, Is.Null);
        Assert.That(notModified.Header("ETag"), Is.EqualTo("\"2\""));
    }

    [Test]
    public async Task Correlation_id_of_the_request_travels_into_the_events_it_causes()
    {
        var response = await _host.SendAsync(new ApiRequest("POST", "/otp")
            .WithJson("""{"primary":"a@example.com","role":"org","country":"SG"}""")
            .WithHeader("X-Correlation-Id", "trace-123"));

        Assert.That(response.Status, Is.EqualTo(202));
        Assert.That(response.Header("X-Correlation-Id"), Is.EqualTo("trace-123"));
        Assert.That(response.Header("X-Request-Id"), Does.StartWith("req-"));
        var stored = _host.Publisher.Published.Single().Events.Single();
        Assert.That(stored.Metadata.CorrelationId, Is.EqualTo("trace-123"));
    }

    [Test]
    public async Task Without_a_correlation_id_the_request_id_is_used()
    {
        var response = await _host.PostJsonAsync("/otp", """{"primary":"a@example.com","role":"org","country":"SG"}""");

        var stored = _host.Publisher.Published.Single().Events.Single();
        Assert.That(stored.Metadata.CorrelationId, Is.EqualTo(response.Header("X-Request-Id")));
    }
}
