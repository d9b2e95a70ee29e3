using System.Security.Cryptography;
using System.Text;
using CleanCqrs.Application.Common.Security;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Application.Tests.Common;

public sealed class KeyedSubjectIdsTests
{
    private static readonly byte[] KeyA = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] KeyB = [.. Enumerable.Range(0, 32).Select(i => (byte)(255 - i))];

    private static Primary PrimaryOf(string raw, string role = "worker") =>
        Primary.TryCreate(raw, role, "ID", out var primary, out var error) ? primary : throw new ArgumentException(error);

    private static string Of(byte[] key, Primary primary) =>
        new KeyedSubjectIds(_ => ValueTask.FromResult(key)).SubjectOfAsync(primary, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [Test]
    public void Is_a_version_8_uuid_of_the_hmac_of_the_normalised_primary_under_the_key()
    {
        var subject = Of(KeyA, PrimaryOf("0812-3456-7890"));
        var uuid = Guid.Parse(subject);

        Assert.That(uuid.Version, Is.EqualTo(8));
        Assert.That(uuid.Variant, Is.InRange(8, 11), "RFC 9562 variant (binary 10xx)");
        Assert.That(subject, Is.EqualTo(uuid.ToString()), "canonical lower-case form");

        var mac = HMACSHA256.HashData(KeyA, Encoding.UTF8.GetBytes("cleancqrs-subject:+6281234567890"));
        var expected = Convert.ToHexStringLower(mac[..16]);
        var hex = subject.Replace("-", string.Empty, StringComparison.Ordinal);
        // Everything but the version nibble and the variant bits is the MAC's.
        Assert.That(hex[..12], Is.EqualTo(expected[..12]));
        Assert.That(hex[13..16], Is.EqualTo(expected[13..16]));
        Assert.That(hex[18..], Is.EqualTo(expected[18..]));
        Assert.That(hex[12], Is.EqualTo('8'));
    }

    [Test]
    public void The_same_primary_written_differently_gets_the_same_subject() =>
        Assert.That(Of(KeyA, PrimaryOf("+62 812 3456 7890")), Is.EqualTo(Of(KeyA, PrimaryOf("0812-3456-7890"))));

    [Test]
    public void Another_key_gives_other_subjects_so_outsiders_cannot_compute_them() =>
        Assert.That(Of(KeyB, PrimaryOf("0812-3456-7890")), Is.Not.EqualTo(Of(KeyA, PrimaryOf("0812-3456-7890"))));

    [Test]
    public void Different_primaries_get_different_subjects() =>
        Assert.That(Of(KeyA, PrimaryOf("Alice@example.com", "org")), Is.Not.EqualTo(Of(KeyA, PrimaryOf("alice@example.com", "org"))));

    [Test]
    public async Task Fetches_the_key_once_and_again_only_after_a_failure()
    {
        var fetches = 0;
        var subjects = new KeyedSubjectIds(_ => ++fetches == 1
            ? ValueTask.FromException<byte[]>(new IOException("KMS unreachable"))
            : ValueTask.FromResult(KeyA));

        Assert.ThrowsAsync<IOException>(async () => await subjects.SubjectOfAsync(PrimaryOf("0812-3456-7890"), CancellationToken.None));
        for (var i = 0; i < 5; i++)
        {
            await subjects.SubjectOfAsync(PrimaryOf("0812-3456-7890"), CancellationToken.None);
        }

        Assert.That(fetches, Is.EqualTo(2));
    }

    [Test]
    public async Task Prefetch_obtains_the_key_before_the_first_sign_in_and_only_once()
    {
        var fetches = 0;
        var subjects = new KeyedSubjectIds(_ =>
        {
            Interlocked.Increment(ref fetches);
            return ValueTask.FromResult(KeyA);
        });

        subjects.Prefetch();
        Assert.That(fetches, Is.EqualTo(1), "init starts the fetch");

        await subjects.SubjectOfAsync(PrimaryOf("0812-3456-7890"), CancellationToken.None);
        await subjects.SubjectOfAsync(PrimaryOf("0812-3456-7891"), CancellationToken.None);

        Assert.That(fetches, Is.EqualTo(1), "sign-ins use the key init obtained");
    }
}
