using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.LambdaHost.Tests.EndToEnd.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd;

/// <summary>
/// The outbox (SPEC section 3): nothing stored stays unpublished, whether the process died between
/// append and publish or the publish failed while it kept running.
/// </summary>
[TestFixture(StoreUnderTest.Sqlite)]
[TestFixture(StoreUnderTest.DynamoDb)]
public sealed class DurabilityTests(StoreUnderTest store)
{
    private TemporaryDataDirectory _data = null!;
    private ServiceEnvironment _environment = null!;

    [SetUp]
    public async Task SetUp()
    {
        _data = new TemporaryDataDirectory();
        _environment = await ServiceEnvironment.CreateAsync(store, _data.Path);
    }

    [TearDown]
    public void TearDown() => _data.Dispose();

    [Test]
    public async Task Commits_of_a_process_that_died_before_publishing_are_published_by_the_next_start()
    {
        const string primary = "crash@example.com";
        string otpId;
        string orgId;
        string token;

        // The first process stores every commit but never gets one out: it "dies" before each publish.
        SwitchableCommitPublisher publisher = null!;
        await using (var doomed = await LocalService.StartAsync(_environment, customise: services =>
            publisher = SwitchableCommitPublisher.Replace(services, failing: true)))
        {
            otpId = await doomed.Api.RequestOtpAsync(primary);
            // A token from the same key file, without the OTP (its delivery is what is stuck).
            orgId = Guid.NewGuid().ToString();
            token = (await doomed.Services.GetRequiredService<ITokenIssuer>()
                .IssueAsync(new TokenClaims(orgId, "org", "SG"), CancellationToken.None)).Token;
            Assert.That(await doomed.Api.CreateOrgAsync(token, """{"name":"Phoenix","location":"Hanoi"}"""), Is.EqualTo(1));
            var updated = await doomed.Api.SendAsync(HttpMethod.Put, $"/orgs/{orgId}", """{"name":"Phoenix Ltd","location":"Hanoi"}""", token);
            Assert.That(updated.Status, Is.EqualTo(200), updated.ToString());

            var behind = await doomed.Api.GetAsync($"/orgs/{orgId}?minVersion=2");
            Assert.That(behind.Status, Is.EqualTo(202), behind.ToString());

            var pending = await doomed.Services.GetRequiredService<IEventStore>()
                .ReadPendingAsync(DateTimeOffset.UtcNow.AddDays(1), 100, CancellationToken.None);
            Assert.That(pending.Select(c => (c.StreamId.StartsWith("org", StringComparison.Ordinal), c.Version)),
                Is.EquivalentTo(new[] { (false, 1L), (true, 1L), (true, 2L) }));
            var counts = await doomed.Services.GetRequiredService<InProcBroker>().CountAsync(CancellationToken.None);
            Assert.That(counts, Is.EqualTo(new BrokerCounts(0, 0, 0)));
            Assert.That(publisher.Published, Is.Zero);
        }

        Assert.That(Mailbox.Read(_data.Path), Is.Empty, "nothing was delivered before the crash");

        // The next start publishes what was left pending before it serves, and everything converges.
        await using var next = await LocalService.StartAsync(_environment);
        var read = await next.Api.WaitForOrgAsync(orgId, 2);
        Assert.That(read.Json!["name"]!.GetValue<string>(), Is.EqualTo("Phoenix Ltd"));

        var mail = await Mailbox.WaitForAsync(_data.Path, otpId);
        var verified = await next.Api.VerifyAsync(primary, otpId, mail.Code);
        Assert.That(verified.Status, Is.EqualTo(200), verified.ToString());

        var stillPending = await next.Services.GetRequiredService<IEventStore>()
            .ReadPendingAsync(DateTimeOffset.UtcNow.AddDays(1), 100, CancellationToken.None);
        Assert.That(stillPending.Where(c => c.StreamId.StartsWith("org", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task The_periodic_sweeper_publishes_a_commit_whose_publish_failed_while_the_process_runs()
    {
        SwitchableCommitPublisher publisher = null!;
        var settings = _environment.Settings() with { SweepInterval = TimeSpan.FromMilliseconds(100) };
        await using var service = await LocalService.StartAsync(_environment, settings, services =>
            publisher = SwitchableCommitPublisher.Replace(services, failing: false));
        var orgId = Guid.NewGuid().ToString();
        var token = (await service.Services.GetRequiredService<ITokenIssuer>()
            .IssueAsync(new TokenClaims(orgId, "org", "SG"), CancellationToken.None)).Token;

        publisher.Failing = true;
        Assert.That(await service.Api.CreateOrgAsync(token, """{"name":"Sweepers","location":"Bangkok"}"""), Is.EqualTo(1));
        var attemptsWhileDown = publisher.Attempts;
        Assert.That(attemptsWhileDown, Is.GreaterThanOrEqualTo(1));
        var behind = await service.Api.GetAsync($"/orgs/{orgId}?minVersion=1");
        Assert.That(behind.Status, Is.EqualTo(202), behind.ToString());

        // The broker is back; no request comes, only the sweeper can publish the commit.
        publisher.Failing = false;
        var read = await service.Api.WaitForOrgAsync(orgId, 1);

        Assert.That(read.Json!["name"]!.GetValue<string>(), Is.EqualTo("Sweepers"));
        Assert.That(publisher.Published, Is.GreaterThanOrEqualTo(1));
        // Marked published right after the publish returns, which may be just after the read model moved.
        var events = service.Services.GetRequiredService<IEventStore>();
        await Poll.UntilAsync(
            async () => (await events.ReadPendingAsync(DateTimeOffset.UtcNow.AddDays(1), 100, CancellationToken.None)).Count == 0,
            "the swept commit to be marked published");
    }
}
