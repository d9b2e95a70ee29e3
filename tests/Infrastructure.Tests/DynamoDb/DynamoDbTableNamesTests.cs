using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.DynamoDb;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

[TestFixture]
public sealed class DynamoDbTableNamesTests
{
    [Test]
    public void Tables_have_default_names_when_nothing_is_configured()
    {
        var names = DynamoDbTableNames.FromEnvironment(_ => null);

        Assert.That(names, Is.EqualTo(new DynamoDbTableNames("cleancqrs-events", "cleancqrs-read-models")));
    }

    [Test]
    public void Configured_names_are_used()
    {
        var names = DynamoDbTableNames.FromEnvironment(name => name switch
        {
            "EVENTS_TABLE" => "prod.Events_v2",
            "READ_MODELS_TABLE" => " prod-read-models ",
            _ => null,
        });

        Assert.That(names, Is.EqualTo(new DynamoDbTableNames("prod.Events_v2", "prod-read-models")));
    }

    [TestCase("EVENTS_TABLE", "ab")]
    [TestCase("EVENTS_TABLE", "events table")]
    [TestCase("READ_MODELS_TABLE", "read/models")]
    [TestCase("READ_MODELS_TABLE", "tâble")]
    public void A_name_dynamodb_would_refuse_is_a_settings_error_naming_the_setting(string setting, string value)
    {
        var thrown = Assert.Throws<SettingsException>(() => DynamoDbTableNames.FromEnvironment(name => name == setting ? value : null));

        Assert.That(thrown!.Setting, Is.EqualTo(setting));
        Assert.That(thrown.Message, Does.Contain(setting).And.Contain(value));
    }

    [Test]
    public void Names_are_at_most_255_characters()
    {
        Assert.That(DynamoDbTableNames.IsValid(new string('a', 255)), Is.True);
        Assert.That(DynamoDbTableNames.IsValid(new string('a', 256)), Is.False);
    }
}
