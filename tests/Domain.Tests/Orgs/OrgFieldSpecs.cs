using CleanCqrs.Domain.Common;
using CleanCqrs.Domain.Orgs;
using static CleanCqrs.Domain.Tests.Orgs.OrgCommands;
using OrgSpec = CleanCqrs.Domain.Tests.AggregateSpec<CleanCqrs.Domain.Orgs.OrgState>;

namespace CleanCqrs.Domain.Tests.Orgs;

/// <summary>The field rules of create and update: trimming, code point lengths, characters.</summary>
public sealed class OrgFieldSpecs
{
    // U+1F600: one code point, two UTF-16 code units.
    private const string Emoji = "\U0001F600";

    private static string Letters(int count) => new('a', count);

    /// <summary>The text with <paramref name="codePoints"/> code points that ends in an emoji.</summary>
    private static string EndingInEmoji(int codePoints) => Letters(codePoints - 1) + Emoji;

    private static IReadOnlyDictionary<string, string[]> FieldErrors(Func<OrgState, Decision> command, params IDomainEvent[] history) =>
        OrgSpec.Given(history).When(command).ThenRejected<ValidationError>().Errors;

    [Test]
    public void Trims_every_field() =>
        OrgSpec.Given()
            .When(Create("  Acme \t", "\n Jakarta  ", "  Makes things\r\n"))
            .Then(new OrgCreated(OrgId, "Acme", "Jakarta", "Makes things", Now));

    [Test]
    public void Trims_on_update_too() =>
        OrgSpec.Given(Created())
            .When(Update(" Acme ", " Jakarta ", " More "))
            .Then(new OrgUpdated(OrgId, "Acme", "Jakarta", "More", Now));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase(" \t\r\n ")]
    public void A_missing_or_blank_description_reads_as_null(string? description) =>
        OrgSpec.Given()
            .When(Create("Acme", "Jakarta", description))
            .Then(new OrgCreated(OrgId, "Acme", "Jakarta", null, Now));

    [Test]
    public void A_blank_description_on_update_clears_it() =>
        OrgSpec.Given(Created())
            .When(Update("Acme", "Jakarta", "   "))
            .Then(new OrgUpdated(OrgId, "Acme", "Jakarta", null, Now));

    [Test]
    public void Accepts_a_name_of_120_code_points() =>
        OrgSpec.Given().When(Create(Letters(120), "Jakarta"))
            .Then(new OrgCreated(OrgId, Letters(120), "Jakarta", null, Now));

    [Test]
    public void Rejects_a_name_of_121_code_points() =>
        Assert.That(FieldErrors(Create(Letters(121), "Jakarta")),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["name"] = ["must be at most 120 characters"] }));

    [Test]
    public void Counts_a_surrogate_pair_as_one_code_point_in_the_name()
    {
        var name = EndingInEmoji(120);
        Assert.That(name, Has.Length.EqualTo(121), "121 UTF-16 code units");

        OrgSpec.Given().When(Create(name, "Jakarta"))
            .Then(new OrgCreated(OrgId, name, "Jakarta", null, Now));
    }

    [Test]
    public void Rejects_a_name_of_121_code_points_ending_in_an_emoji() =>
        Assert.That(FieldErrors(Create(EndingInEmoji(121), "Jakarta")), Contains.Key("name"));

    [Test]
    public void Length_is_checked_after_trimming() =>
        OrgSpec.Given().When(Create("   " + Letters(120) + "   ", "Jakarta"))
            .Then(new OrgCreated(OrgId, Letters(120), "Jakarta", null, Now));

    [Test]
    public void Accepts_a_location_of_150_code_points_and_rejects_151()
    {
        OrgSpec.Given().When(Create("Acme", EndingInEmoji(150)))
            .Then(new OrgCreated(OrgId, "Acme", EndingInEmoji(150), null, Now));

        Assert.That(FieldErrors(Create("Acme", Letters(151))),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["location"] = ["must be at most 150 characters"] }));
    }

    [Test]
    public void Accepts_a_description_of_1200_code_points_and_rejects_1201()
    {
        OrgSpec.Given().When(Create("Acme", "Jakarta", EndingInEmoji(1200)))
            .Then(new OrgCreated(OrgId, "Acme", "Jakarta", EndingInEmoji(1200), Now));

        Assert.That(FieldErrors(Create("Acme", "Jakarta", Letters(1201))),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["description"] = ["must be at most 1200 characters"] }));
    }

    [TestCase(null, "is required")]
    [TestCase("", "must not be empty")]
    [TestCase("   ", "must not be empty")]
    [TestCase("\t\n", "must not be empty")]
    public void Rejects_a_missing_or_blank_name(string? name, string message) =>
        Assert.That(FieldErrors(Create(name, "Jakarta")),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["name"] = [message] }));

    [TestCase(null, "is required")]
    [TestCase("", "must not be empty")]
    [TestCase("   ", "must not be empty")]
    public void Rejects_a_missing_or_blank_location(string? location, string message) =>
        Assert.That(FieldErrors(Create("Acme", location)),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["location"] = [message] }));

    [TestCase("Ac\nme")]
    [TestCase("Ac\rme")]
    [TestCase("Ac\tme")]
    [TestCase("Ac\u0000me")]
    [TestCase("Ac\u0007me")]
    [TestCase("Ac\u001Bme")]
    [TestCase("Ac\u007Fme")]
    [TestCase("Ac\u0085me")]
    [TestCase("Ac\u2028me")]
    [TestCase("Ac\u2029me")]
    public void Rejects_control_characters_in_the_name(string name) =>
        Assert.That(FieldErrors(Create(name, "Jakarta")),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["name"] = ["must not contain control characters"] }));

    [TestCase("Jakarta\nSelatan")]
    [TestCase("Jakarta\u0001")]
    public void Rejects_control_characters_in_the_location(string location) =>
        Assert.That(FieldErrors(Create("Acme", location)), Contains.Key("location"));

    [Test]
    public void Allows_unicode_line_and_paragraph_separators_inside_the_description() =>
        OrgSpec.Given().When(Create("Acme", "Jakarta", "One\u2028Two\u2029Three"))
            .Then(new OrgCreated(OrgId, "Acme", "Jakarta", "One\u2028Two\u2029Three", Now));

    [Test]
    public void Allows_line_breaks_and_tabs_inside_the_description() =>
        OrgSpec.Given().When(Create("Acme", "Jakarta", "Line one\r\nLine two\n\tindented"))
            .Then(new OrgCreated(OrgId, "Acme", "Jakarta", "Line one\r\nLine two\n\tindented", Now));

    [TestCase("Bell\u0007")]
    [TestCase("Nul\u0000here")]
    [TestCase("Vertical\u000Btab")]
    [TestCase("Escape\u001B[31m")]
    [TestCase("Next\u0085line")]
    public void Rejects_other_control_characters_in_the_description(string description) =>
        Assert.That(FieldErrors(Create("Acme", "Jakarta", description)),
            Is.EquivalentTo(new Dictionary<string, string[]>
            {
                ["description"] = ["must not contain control characters other than line breaks and tabs"],
            }));

    // Built in code: an attribute argument is stored as UTF-8, which cannot hold a lone surrogate.
    private static readonly string[] LoneSurrogates = ["Acme\uD800", "\uDC00Acme", "Ac\uDE00\uD83Dme"];

    [TestCaseSource(nameof(LoneSurrogates))]
    public void Rejects_lone_surrogates(string text)
    {
        Assert.That(FieldErrors(Create(text, "Jakarta")),
            Is.EquivalentTo(new Dictionary<string, string[]> { ["name"] = ["must be valid Unicode text"] }));
        Assert.That(FieldErrors(Create("Acme", text)), Contains.Key("location"));
        Assert.That(FieldErrors(Create("Acme", "Jakarta", text)), Contains.Key("description"));
    }

    [Test]
    public void Allows_non_latin_text_and_emoji() =>
        OrgSpec.Given().When(Create("株式会社アクメ 😀", "Hà Nội", "Đây là mô tả."))
            .Then(new OrgCreated(OrgId, "株式会社アクメ 😀", "Hà Nội", "Đây là mô tả.", Now));

    [Test]
    public void Reports_every_invalid_field_by_its_camel_case_name() =>
        Assert.That(FieldErrors(Create(" ", null, "\u0000")).Keys,
            Is.EquivalentTo(new[] { "name", "location", "description" }));

    [Test]
    public void Rejects_invalid_fields_on_update() =>
        Assert.That(FieldErrors(Update(Letters(121), "Jakarta", "ok"), Created()), Contains.Key("name"));
}
