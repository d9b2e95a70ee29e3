using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using static CleanCqrs.Domain.Tests.Orgs.OrgCommands;
using OrgSpec = CleanCqrs.Domain.Tests.AggregateSpec<CleanCqrs.Domain.Orgs.OrgState>;

namespace CleanCqrs.Domain.Tests.Orgs;

public sealed class OrgSpecs
{
    [Test]
    public void Creates_an_org_on_a_new_stream() =>
        OrgSpec.Given()
            .When(Create("Acme", "Jakarta", "Makes things"))
            .Then(new OrgCreated(OrgId, "Acme", "Jakarta", "Makes things", Now));

    [Test]
    public void Rejects_a_second_create_with_a_conflict()
    {
        var error = OrgSpec.Given(Created())
            .When(Create("Other", "Manila"))
            .ThenRejected<ConflictError>();

        Assert.That(error.Detail, Does.Contain(OrgId));
    }

    [Test]
    public void Updates_an_existing_org() =>
        OrgSpec.Given(Created())
            .When(Update("Acme Group", "Singapore", "Makes more things"))
            .Then(new OrgUpdated(OrgId, "Acme Group", "Singapore", "Makes more things", Now));

    [Test]
    public void Rejects_update_of_unknown_org() =>
        OrgSpec.Given()
            .When(Update("Acme", "Jakarta"))
            .ThenRejected<NotFoundError>();

    [Test]
    public void Update_is_a_full_replace_so_a_missing_description_clears_it() =>
        OrgSpec.Given(Created(description: "Old text"))
            .When(Update("Acme", "Jakarta", description: null))
            .Then(new OrgUpdated(OrgId, "Acme", "Jakarta", null, Now));

    [Test]
    public void Update_can_be_repeated_with_the_same_values() =>
        OrgSpec.Given(Created(), new OrgUpdated(OrgId, "Acme", "Jakarta", null, Now.AddHours(-1)))
            .When(Update("Acme", "Jakarta"))
            .Then(new OrgUpdated(OrgId, "Acme", "Jakarta", null, Now));

    [Test]
    public void Folds_created_then_updated_into_the_latest_profile()
    {
        var state = OrgSpec.Given(
            Created(),
            new OrgUpdated(OrgId, "Acme Group", "Manila", null, Now)).State;

        Assert.That(state, Is.EqualTo(new OrgState(true, "Acme Group", "Manila", null)));
    }

    [Test]
    public void A_new_stream_has_no_org()
    {
        Assert.That(OrgState.Initial.Exists, Is.False);
        Assert.That(AggregateState.StreamId<OrgState>("abc"), Is.EqualTo("org-abc"));
    }

    [Test]
    public void Closes_an_existing_org() =>
        OrgSpec.Given(Created())
            .When(Close())
            .Then(new OrgClosed(OrgId, Now));

    [Test]
    public void Rejects_closing_an_unknown_org() =>
        OrgSpec.Given()
            .When(Close())
            .ThenRejected<NotFoundError>();

    [Test]
    public void Rejects_closing_a_closed_org_with_a_conflict() =>
        OrgSpec.Given(Created(), Closed())
            .When(Close())
            .ThenRejected<ConflictError>();

    [Test]
    public void Rejects_updating_a_closed_org_with_a_conflict() =>
        OrgSpec.Given(Created(), Closed())
            .When(Update("Acme", "Jakarta"))
            .ThenRejected<ConflictError>();

    [Test]
    public void Rejects_creating_a_closed_org_again_with_a_conflict() =>
        OrgSpec.Given(Created(), Closed())
            .When(Create("Acme", "Jakarta"))
            .ThenRejected<ConflictError>();

    [Test]
    public void A_closed_org_keeps_its_last_profile_and_existence() =>
        Assert.That(OrgSpec.Given(Created(), Closed()).State, Is.EqualTo(new OrgState(true, "Acme", "Jakarta", "Makes things", Closed: true)));
}
