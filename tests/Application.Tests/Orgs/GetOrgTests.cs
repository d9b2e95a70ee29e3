using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.EventSourcing;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Application.Orgs.Queries.GetOrg;
using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using NSubstitute;
using static CleanCqrs.Application.Tests.Support.Moments;

namespace CleanCqrs.Application.Tests.Orgs;

public sealed class GetOrgTests
{
    private static readonly OrgReadModel Model = new("org-1", "Acme", "Jakarta", "Makes things", 3, T0);

    private IReadModelStore<OrgReadModel> _models = null!;
    private IEventStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _models = Substitute.For<IReadModelStore<OrgReadModel>>();
        _store = Substitute.For<IEventStore>();
        _models.GetAsync("org-1", Arg.Any<CancellationToken>()).Returns(Model);
        _models.GetAsync("unknown", Arg.Any<CancellationToken>()).Returns((OrgReadModel?)null);
        _models.GetAsync("closed", Arg.Any<CancellationToken>()).Returns(Model with { Id = "closed", Version = 4, Closed = true });
        _store.LoadAsync<OrgState>(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(new LoadedStream<OrgState>(OrgState.Initial, 0));
        _store.LoadAsync<OrgState>("org-unknown", Arg.Any<CancellationToken>())
            .Returns(new LoadedStream<OrgState>(new OrgState(true, "Acme", "Jakarta", null), 1));
    }

    private ValueTask<Result<OrgReadout>> Get(string id, long? minVersion = null) =>
        new GetOrgHandler(_models, _store).Handle(
            new GetOrg(id, minVersion is { } min ? [min.ToString(System.Globalization.CultureInfo.InvariantCulture)] : null), CancellationToken.None);

    [Test]
    public void The_mapper_copies_every_field_of_the_read_model() =>
        Assert.That(Model.ToDto(), Is.EqualTo(new OrgDto("org-1", "Acme", "Jakarta", "Makes things", 3, T0)));

    [Test]
    public async Task Reads_the_projected_org()
    {
        var readout = (await Get("org-1")).Value;

        Assert.That(readout, Is.EqualTo(new OrgReadout(Model.ToDto(), 3, null)));
        Assert.That(readout.IsBehind, Is.False);
    }

    [Test]
    public async Task Answers_404_for_an_org_that_is_not_projected()
    {
        Assert.That((await Get("unknown")).Error, Is.InstanceOf<NotFoundError>());
    }

    [Test]
    public async Task Says_the_read_model_is_behind_a_min_version_it_has_not_reached()
    {
        var known = (await Get("org-1", minVersion: 4)).Value;
        var unknown = (await Get("unknown", minVersion: 1)).Value;

        Assert.That((known.IsBehind, known.Version, known.MinVersion), Is.EqualTo((true, 3L, (long?)4)));
        Assert.That((unknown.IsBehind, unknown.Org, unknown.Version), Is.EqualTo((true, (OrgDto?)null, 0L)));
    }

    [Test]
    public async Task Answers_404_to_a_poll_for_an_org_with_no_stream_at_all()
    {
        _models.GetAsync("never", Arg.Any<CancellationToken>()).Returns((OrgReadModel?)null);

        Assert.That((await Get("never", minVersion: 1)).Error, Is.InstanceOf<NotFoundError>());
    }

    [Test]
    public async Task Answers_410_for_a_closed_org_once_projected_and_202_while_behind()
    {
        Assert.That((await Get("closed")).Error, Is.InstanceOf<GoneError>());
        Assert.That((await Get("closed", minVersion: 4)).Error, Is.InstanceOf<GoneError>());
        Assert.That((await Get("closed", minVersion: 5)).Value.IsBehind, Is.True);
    }

    [Test]
    public async Task Answers_404_without_a_read_for_an_id_no_token_could_carry()
    {
        Assert.That((await Get(new string('a', 129))).Error, Is.InstanceOf<NotFoundError>());
        Assert.That((await Get("bad id")).Error, Is.InstanceOf<NotFoundError>());
        await _models.DidNotReceive().GetAsync(Arg.Any<string>(), Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task Is_not_behind_at_or_above_the_min_version() =>
        Assert.That((await Get("org-1", minVersion: 3)).Value.IsBehind, Is.False);
}
