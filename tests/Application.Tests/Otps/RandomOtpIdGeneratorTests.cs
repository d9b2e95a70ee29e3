using CleanCqrs.Application.Common.Security;
using CleanCqrs.Domain.Otps;

namespace CleanCqrs.Application.Tests.Otps;

public sealed class RandomOtpIdGeneratorTests
{
    [Test]
    public void Generates_well_formed_ids_that_do_not_repeat()
    {
        var generator = new RandomOtpIdGenerator();

        var ids = Enumerable.Range(0, 100).Select(_ => generator.NewOtpId()).ToList();

        Assert.That(ids, Has.All.Matches<string>(id => OtpIds.TryNormalize(id, out var normalized) && normalized == id));
        Assert.That(ids, Is.Unique);
    }
}
