using System.Text;
using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests;

public sealed class ScheduledSweepTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new TestHost();

    [TearDown]
    public void TearDown() => _host.Dispose();

    [Test]
    public async Task Scheduled_event_publishes_commits_left_pending_once_they_are_30_seconds_old()
    {
        _host.Publisher.FailNext = 1;
        var token = _host.OrgToken("a");
        var created = await _host.PostJsonAsync("/orgs", """{"name":"Acme","location":"x"}""", token);
        Assert.That(created.Status, Is.EqualTo(201), "a failed publish is not the command's failure");
        Assert.That(_host.Store.IsPending("org-a", 1), Is.True);

        _host.Clock.Advance(TimeSpan.FromSeconds(29));
        var early = await SweepAsync();
        _host.Clock.Advance(TimeSpan.FromSeconds(2));
        var due = await SweepAsync();

        Assert.That(early, Is.EqualTo("""{"published":0,"failed":0}"""));
        Assert.That(due, Is.EqualTo("""{"published":1,"failed":0}"""));
        Assert.That(_host.Store.IsPending("org-a", 1), Is.False);
        Assert.That(await _host.DeliverPublishedAsync(), Is.Empty);
        Assert.That((await _host.GetAsync("/orgs/a", "minVersion=1")).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task Sweep_that_cannot_publish_reports_the_failure()
    {
        _host.Publisher.FailNext = 2;
        await _host.PostJsonAsync("/orgs", """{"name":"Acme","location":"x"}""", _host.OrgToken("a"));
        _host.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.That(await SweepAsync(), Is.EqualTo("""{"published":0,"failed":1}"""));
        Assert.That(_host.Store.IsPending("org-a", 1), Is.True);
    }

    private async Task<string> SweepAsync() =>
        Encoding.UTF8.GetString(await _host.Function.HandleAsync(
            AwsEvents.Bytes(AwsEvents.Load("eventbridge-scheduled-event.json")), _host.NewContext(), CancellationToken.None));
}
