using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Messaging.Sns;

namespace CleanCqrs.Infrastructure.Tests.Sns;

public sealed class SnsSettingsTests
{
    private const string Arn = "arn:aws:sns:ap-southeast-1:123456789012:cleancqrs-events.fifo";

    [Test]
    public void Reads_the_topic_region_and_default_endpoint()
    {
        var settings = SnsSettings.FromEnvironment(Env(("EVENTS_TOPIC_ARN", Arn), ("AWS_REGION", "eu-west-1")));

        Assert.Multiple(() =>
        {
            Assert.That(settings.EventsTopicArn, Is.EqualTo(Arn));
            Assert.That(settings.Region, Is.EqualTo("eu-west-1"));
            Assert.That(settings.Endpoint, Is.EqualTo(new Uri("https://sns.eu-west-1.amazonaws.com/")));
            Assert.That(settings.MaxAttempts, Is.EqualTo(4));
        });
    }

    [Test]
    public void Takes_the_region_from_the_topic_when_no_region_is_set()
    {
        var settings = SnsSettings.FromEnvironment(Env(("EVENTS_TOPIC_ARN", Arn)));

        Assert.That(settings.Region, Is.EqualTo("ap-southeast-1"));
    }

    [Test]
    public void Prefers_the_sns_endpoint_override_to_the_general_one()
    {
        var specific = SnsSettings.FromEnvironment(Env(
            ("EVENTS_TOPIC_ARN", Arn),
            ("AWS_ENDPOINT_URL", "http://localhost:4566"),
            ("AWS_ENDPOINT_URL_SNS", "http://localhost:9911")));
        var general = SnsSettings.FromEnvironment(Env(("EVENTS_TOPIC_ARN", Arn), ("AWS_ENDPOINT_URL", "http://localhost:4566")));

        Assert.Multiple(() =>
        {
            Assert.That(specific.Endpoint, Is.EqualTo(new Uri("http://localhost:9911")));
            Assert.That(general.Endpoint, Is.EqualTo(new Uri("http://localhost:4566")));
        });
    }

    [TestCase(null, "EVENTS_TOPIC_ARN")]
    [TestCase("arn:aws:sns:eu-west-1:123456789012:events", "EVENTS_TOPIC_ARN")]
    [TestCase("arn:aws:sqs:eu-west-1:123456789012:events.fifo", "EVENTS_TOPIC_ARN")]
    [TestCase("events.fifo", "EVENTS_TOPIC_ARN")]
    public void Rejects_a_missing_or_non_fifo_topic_naming_the_setting(string? arn, string setting)
    {
        var error = Assert.Throws<SettingsException>(() => SnsSettings.FromEnvironment(Env(("EVENTS_TOPIC_ARN", arn))));

        Assert.Multiple(() =>
        {
            Assert.That(error.Setting, Is.EqualTo(setting));
            Assert.That(error.Message, Does.Contain(setting));
        });
    }

    [Test]
    public void Rejects_a_malformed_region_naming_the_setting()
    {
        var error = Assert.Throws<SettingsException>(() =>
            SnsSettings.FromEnvironment(Env(("EVENTS_TOPIC_ARN", Arn), ("AWS_REGION", "Europe"))));

        Assert.That(error.Setting, Is.EqualTo("AWS_REGION"));
    }

    [TestCase("AWS_ENDPOINT_URL_SNS", "localhost:4566")]
    [TestCase("AWS_ENDPOINT_URL", "ftp://localhost")]
    public void Rejects_a_malformed_endpoint_naming_the_setting(string name, string value)
    {
        var error = Assert.Throws<SettingsException>(() => SnsSettings.FromEnvironment(Env(("EVENTS_TOPIC_ARN", Arn), (name, value))));

        Assert.That(error.Setting, Is.EqualTo(name));
    }

    [Test]
    public void Resolves_endpoint_region_and_credentials_as_the_other_aws_clients_do()
    {
        var environment = Env(
            ("EVENTS_TOPIC_ARN", Arn),
            ("AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:9911"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/cleancqrs-tests/credentials"));
        var sns = SnsSettings.FromEnvironment(environment);
        var shared = AwsClientSettings.Resolve(new SettingsReader(environment), SnsSettings.ServiceEndpointSetting);

        Assert.Multiple(() =>
        {
            Assert.That(sns.Endpoint, Is.EqualTo(shared.ServiceUrl));
            Assert.That(sns.Region, Is.EqualTo(shared.Region).And.EqualTo(AwsClientSettings.LocalRegion));
            Assert.That(sns.UseLocalCredentials, Is.EqualTo(shared.UseLocalCredentials).And.True);
            Assert.That(sns.Credentials, Is.Not.Null, "a loopback server gets dummy credentials, never the instance metadata probe");
        });
    }

    [Test]
    public void Remote_endpoint_and_configured_endpoints_ignored_use_the_default_chain()
    {
        var ignored = SnsSettings.FromEnvironment(Env(
            ("EVENTS_TOPIC_ARN", Arn), ("AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:9911"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"), ("AWS_REGION", "eu-west-1")));

        Assert.Multiple(() =>
        {
            Assert.That(ignored.Endpoint, Is.EqualTo(new Uri("https://sns.eu-west-1.amazonaws.com/")));
            Assert.That(ignored.UseLocalCredentials, Is.False);
            Assert.That(ignored.Credentials, Is.Null);
        });
    }

    private static Func<string, string?> Env(params (string Name, string? Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;
}
