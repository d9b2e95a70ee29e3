using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.Infrastructure.Tests.Configuration;

public class SettingsReaderTests
{
    private const string Name = "SOME_SETTING";

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Unset_or_blank_is_missing_for_every_kind(string? raw)
    {
        var env = Reader(raw);

        Assert.Multiple(() =>
        {
            Assert.That(env.Optional(Name), Is.Null);
            Assert.That(env.IsSet(Name), Is.False);
            Assert.That(env.Text(Name, "fallback"), Is.EqualTo("fallback"));
            Assert.That(env.Text(Name, "fallback", "anything", _ => false), Is.EqualTo("fallback"));
            Assert.That(env.WholeNumber(Name, 7), Is.EqualTo(7));
            Assert.That(env.Duration(Name, TimeSpan.FromMinutes(5)), Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(env.Bool(Name, true), Is.True);
            Assert.That(env.OneOf(Name, 2, ("one", 1), ("two", 2)), Is.EqualTo(2));
            Assert.That(env.HttpUrl(Name), Is.Null);
        });
    }

    [Test]
    public void A_set_value_is_trimmed()
    {
        var env = Reader("  cleancqrs \t");

        Assert.Multiple(() =>
        {
            Assert.That(env.Optional(Name), Is.EqualTo("cleancqrs"));
            Assert.That(env.Text(Name, "fallback"), Is.EqualTo("cleancqrs"));
            Assert.That(env.Required(Name, "a name"), Is.EqualTo("cleancqrs"));
            Assert.That(env.IsSet(Name), Is.True);
        });
    }

    [TestCase(null)]
    [TestCase(" ")]
    public void A_missing_required_setting_names_it_and_what_it_takes(string? raw)
    {
        var error = Assert.Throws<SettingsException>(() => Reader(raw).Required(Name, "the relay's host name"));

        Assert.That(error!.Setting, Is.EqualTo(Name));
        Assert.That(error.Message, Is.EqualTo("Configuration error: SOME_SETTING is required: the relay's host name."));
    }

    [Test]
    public void A_value_its_rule_refuses_names_the_setting_what_it_takes_and_the_value()
    {
        var env = Reader("no spaces");
        static bool NoSpaces(string value) => !value.Contains(' ', StringComparison.Ordinal);

        Assert.Multiple(() =>
        {
            Assert.That(Thrown(() => env.Optional(Name, "a word", NoSpaces)), Is.EqualTo("Configuration error: SOME_SETTING must be a word, not 'no spaces'."));
            Assert.That(Thrown(() => env.Text(Name, "fallback", "a word", NoSpaces)), Does.Contain("must be a word, not 'no spaces'"));
            Assert.That(Thrown(() => env.Required(Name, "a word", NoSpaces)), Does.Contain("must be a word, not 'no spaces'"));
            Assert.That(Reader("word").Required(Name, "a word", NoSpaces), Is.EqualTo("word"));
        });
    }

    [Test]
    public void A_secret_is_read_as_set()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Reader(" pass word ").Secret(Name), Is.EqualTo(" pass word "));
            Assert.That(Reader("").Secret(Name), Is.EqualTo(string.Empty));
            Assert.That(Reader(null).Secret(Name), Is.Null);
        });
    }

    [TestCase("1", 1)]
    [TestCase("64", 64)]
    [TestCase(" 16 ", 16)]
    public void A_whole_number_within_its_range(string raw, int expected)
    {
        Assert.That(Reader(raw).WholeNumber(Name, 5, min: 1, max: 64), Is.EqualTo(expected));
    }

    [TestCase("0", "a whole number from 1 to 64")]
    [TestCase("65", "a whole number from 1 to 64")]
    [TestCase("-4", "a whole number from 1 to 64")]
    [TestCase("+4", "a whole number from 1 to 64")]
    [TestCase("16.5", "a whole number from 1 to 64")]
    [TestCase("sixteen", "a whole number from 1 to 64")]
    [TestCase("99999999999", "a whole number from 1 to 64")]
    public void A_whole_number_outside_its_range_is_refused(string raw, string accepted)
    {
        Assert.That(Thrown(() => Reader(raw).WholeNumber(Name, 5, min: 1, max: 64)), Is.EqualTo($"Configuration error: {Name} must be {accepted}, not '{raw}'."));
    }

    [Test]
    public void The_range_is_said_as_the_caller_set_it()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Thrown(() => Reader("0").WholeNumber(Name, 5)), Does.Contain("must be a positive whole number, not '0'"));
            Assert.That(Thrown(() => Reader("2").WholeNumber(Name, 5, min: 3)), Does.Contain("must be a whole number of at least 3, not '2'"));
            Assert.That(Reader("2147483647").WholeNumber(Name, 5), Is.EqualTo(int.MaxValue));
        });
    }

    [TestCase("300", 300)]
    [TestCase("00:05:00", 300)]
    [TestCase("1.00:00:00", 86400)]
    [TestCase(" 90 ", 90)]
    public void A_duration_in_seconds_or_as_a_time_span(string raw, int seconds)
    {
        Assert.That(Reader(raw).Duration(Name, TimeSpan.FromHours(1)), Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("00:00:00")]
    [TestCase("-00:05:00")]
    [TestCase("soon")]
    public void A_duration_that_is_not_positive_is_refused(string raw)
    {
        Assert.That(
            Thrown(() => Reader(raw).Duration(Name, TimeSpan.FromHours(1))),
            Is.EqualTo($"Configuration error: {Name} must be a positive number of seconds or a duration such as 00:05:00, not '{raw}'."));
    }

    [TestCase("true", true)]
    [TestCase("TRUE", true)]
    [TestCase("False", false)]
    public void A_flag_is_true_or_false(string raw, bool expected)
    {
        Assert.That(Reader(raw).Bool(Name, !expected), Is.EqualTo(expected));
    }

    [TestCase("yes")]
    [TestCase("1")]
    [TestCase("on")]
    public void A_flag_that_is_neither_is_refused_not_taken_as_false(string raw)
    {
        Assert.That(Thrown(() => Reader(raw).Bool(Name, false)), Is.EqualTo($"Configuration error: {Name} must be one of true, false, not '{raw}'."));
    }

    [TestCase("sqlite", 1)]
    [TestCase("DynamoDb", 2)]
    [TestCase(" dynamodb ", 2)]
    public void One_of_the_named_values_in_any_case(string raw, int expected)
    {
        Assert.That(Reader(raw).OneOf(Name, 0, ("sqlite", 1), ("dynamodb", 2)), Is.EqualTo(expected));
    }

    [Test]
    public void A_value_not_named_is_refused_listing_the_ones_that_are()
    {
        Assert.That(
            Thrown(() => Reader("postgres").OneOf(Name, 0, ("sqlite", 1), ("dynamodb", 2))),
            Is.EqualTo($"Configuration error: {Name} must be one of sqlite, dynamodb, not 'postgres'."));
    }

    [TestCase("http://127.0.0.1:8000", "http://127.0.0.1:8000/")]
    [TestCase("https://sqs.eu-west-1.amazonaws.com/123456789012/dlq.fifo", "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq.fifo")]
    public void An_http_url(string raw, string expected)
    {
        Assert.That(Reader(raw).HttpUrl(Name)!.AbsoluteUri, Is.EqualTo(expected));
    }

    [TestCase("127.0.0.1:8000")]
    [TestCase("ftp://example.com")]
    [TestCase("/relative")]
    public void A_url_that_is_not_absolute_http_is_refused(string raw)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Thrown(() => Reader(raw).HttpUrl(Name)), Is.EqualTo($"Configuration error: {Name} must be an absolute http or https URL, not '{raw}'."));
            Assert.That(Thrown(() => Reader(raw).HttpUrl(Name, "a queue URL")), Does.Contain($"must be a queue URL, not '{raw}'"));
        });
    }

    [Test]
    public void Reads_the_process_environment_without_a_source()
    {
        var name = "CLEANCQRS_READER_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, " 42 ");
        try
        {
            Assert.That(new SettingsReader().WholeNumber(name, 1), Is.EqualTo(42));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    private static SettingsReader Reader(string? raw) => new(name => name == Name ? raw : null);

    private static string Thrown(TestDelegate read)
    {
        var error = Assert.Throws<SettingsException>(read);
        Assert.That(error!.Setting, Is.EqualTo(Name));
        return error.Message;
    }
}
