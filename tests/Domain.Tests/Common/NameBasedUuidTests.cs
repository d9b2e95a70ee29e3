using CleanCqrs.Domain.Common;

namespace CleanCqrs.Domain.Tests.Common;

public sealed class NameBasedUuidTests
{
    private static readonly Guid DnsNamespace = new("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    [Test]
    public void Matches_the_rfc_test_vector() =>
        Assert.That(NameBasedUuid.Create(DnsNamespace, "www.example.com"),
            Is.EqualTo(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2")));

    [Test]
    public void Is_stable_and_depends_on_namespace_and_name()
    {
        var first = NameBasedUuid.Create(DnsNamespace, "+6281234567890");

        Assert.That(NameBasedUuid.Create(DnsNamespace, "+6281234567890"), Is.EqualTo(first));
        Assert.That(NameBasedUuid.Create(DnsNamespace, "+6281234567891"), Is.Not.EqualTo(first));
        Assert.That(NameBasedUuid.Create(Guid.NewGuid(), "+6281234567890"), Is.Not.EqualTo(first));
    }

    [Test]
    public void Hashes_long_and_non_ascii_names_as_utf8()
    {
        var longName = new string('é', 2000);

        var uuid = NameBasedUuid.Create(DnsNamespace, longName);

        Assert.That(uuid.Version, Is.EqualTo(5));
        Assert.That(NameBasedUuid.Create(DnsNamespace, longName[..^1] + "e"), Is.Not.EqualTo(uuid));
        Assert.That(NameBasedUuid.Create(DnsNamespace, "é"), Is.Not.EqualTo(NameBasedUuid.Create(DnsNamespace, "e\u0301")));
    }
}
