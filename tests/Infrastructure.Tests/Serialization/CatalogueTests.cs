using System.Reflection;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Domain.Common;
using CleanCqrs.Infrastructure.Serialization;

namespace CleanCqrs.Infrastructure.Tests.Serialization;

/// <summary>
/// Every event, aggregate state and read model type of the Domain and Application assemblies is in
/// the catalogue, so a forgotten registration fails here and not on the first stored event. (The
/// reflection is in the test only; the catalogue itself is a plain list.)
/// </summary>
public sealed class CatalogueTests
{
    private static readonly Assembly Domain = typeof(IDomainEvent).Assembly;
    private static readonly Assembly Application = typeof(OrgReadModel).Assembly;

    [Test]
    public void Every_domain_event_type_is_in_the_event_catalogue()
    {
        var declared = Domain.GetTypes().Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IDomainEvent).IsAssignableFrom(t));

        Assert.That(Catalogue.Events.Select(e => e.Type), Is.EquivalentTo(declared));
    }

    [Test]
    public void Every_aggregate_state_type_is_in_the_snapshot_catalogue()
    {
        var declared = Domain.GetTypes().Where(t => !t.IsAbstract && t.GetInterfaces()
            .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAggregateState<>)));

        Assert.That(Catalogue.Snapshots.Select(s => s.Type), Is.EquivalentTo(declared));
    }

    [Test]
    public void Every_read_model_type_is_in_the_read_model_catalogue()
    {
        var declared = Application.GetTypes().Where(t => !t.IsAbstract && !t.IsInterface && typeof(IReadModel).IsAssignableFrom(t));

        Assert.That(Catalogue.ReadModels.Select(m => m.Type), Is.EquivalentTo(declared));
    }

    [Test]
    public void Wire_names_are_unique_and_carry_a_version_suffix()
    {
        var names = Catalogue.Events.Select(e => e.Name).Concat(Catalogue.Snapshots.Select(s => s.Name)).ToList();

        Assert.That(names, Is.Unique);
        Assert.That(names, Has.All.Match(@"^[A-Z][A-Za-z]+\.v[1-9][0-9]*$"));
    }

    [Test]
    public void Each_event_name_and_type_lead_to_the_same_entry()
    {
        foreach (var entry in Catalogue.Events)
        {
            Assert.That(Catalogue.EventNamed(entry.Name), Is.SameAs(entry), entry.Name);
        }

        Assert.That(Catalogue.EventNamed("OrgCreated.v0"), Is.Null);
    }
}
