using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.DynamoDb;

namespace CleanCqrs.Infrastructure.Tests.DynamoDb;

[TestFixture]
public sealed class DynamoDbClientFactoryTests
{
    private static Func<string, string?> Settings(params (string Name, string Value)[] settings) => name =>
        name == "AWS_SHARED_CREDENTIALS_FILE" && settings.All(s => s.Name != name)
            ? "/nonexistent/credentials"
            : settings.FirstOrDefault(s => s.Name == name).Value;

    [Test]
    public void A_loopback_endpoint_without_credentials_signs_with_local_ones_in_us_east_1()
    {
        var resolved = DynamoDbClientFactory.Resolve(Settings(("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")));

        Assert.That(resolved, Is.EqualTo(new AwsClientSettings(new Uri("http://127.0.0.1:8000"), "us-east-1", UseLocalCredentials: true)));
    }

    [Test]
    public void The_service_specific_endpoint_wins_over_the_general_one()
    {
        var resolved = DynamoDbClientFactory.Resolve(Settings(
            ("AWS_ENDPOINT_URL", "http://localhost:9000"), ("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000")));

        Assert.That(resolved.ServiceUrl, Is.EqualTo(new Uri("http://localhost:8000")));
        Assert.That(resolved.UseLocalCredentials, Is.True);
    }

    [Test]
    public void The_general_endpoint_applies_when_there_is_no_service_specific_one()
    {
        var resolved = DynamoDbClientFactory.Resolve(Settings(("AWS_ENDPOINT_URL", "http://[::1]:9000"), ("AWS_REGION", "ap-southeast-1")));

        Assert.That(resolved, Is.EqualTo(new AwsClientSettings(new Uri("http://[::1]:9000"), "ap-southeast-1", UseLocalCredentials: true)));
    }

    [Test]
    public void Configured_credentials_are_used_even_for_a_local_endpoint()
    {
        Assert.That(
            DynamoDbClientFactory.Resolve(Settings(("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"), ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"))).UseLocalCredentials,
            Is.False);
        Assert.That(
            DynamoDbClientFactory.Resolve(Settings(("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"), ("AWS_PROFILE", "dev"))).UseLocalCredentials,
            Is.False);
    }

    [Test]
    public void A_remote_endpoint_never_gets_local_credentials()
    {
        var resolved = DynamoDbClientFactory.Resolve(Settings(("AWS_ENDPOINT_URL_DYNAMODB", "https://dynamodb.example.test")));

        Assert.That(resolved.UseLocalCredentials, Is.False);
    }

    [Test]
    public void Without_an_override_the_sdk_finds_endpoint_region_and_credentials_itself()
    {
        Assert.That(DynamoDbClientFactory.Resolve(Settings()), Is.EqualTo(new AwsClientSettings(null, null, false)));
        Assert.That(
            DynamoDbClientFactory.Resolve(Settings(("AWS_REGION", "ap-southeast-3"))),
            Is.EqualTo(new AwsClientSettings(null, "ap-southeast-3", false)));
    }

    [Test]
    public void Configured_endpoints_can_be_ignored_as_the_sdk_allows()
    {
        var resolved = DynamoDbClientFactory.Resolve(Settings(
            ("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")));

        Assert.That(resolved.ServiceUrl, Is.Null);
    }

    [TestCase("127.0.0.1:8000")]
    [TestCase("ftp://127.0.0.1/")]
    [TestCase("not a url")]
    public void A_malformed_endpoint_is_a_settings_error_naming_it(string endpoint)
    {
        var thrown = Assert.Throws<SettingsException>(() => DynamoDbClientFactory.Resolve(Settings(("AWS_ENDPOINT_URL_DYNAMODB", endpoint))));

        Assert.That(thrown!.Setting, Is.EqualTo("AWS_ENDPOINT_URL_DYNAMODB"));
    }

    [Test]
    public async Task The_built_client_talks_to_the_overridden_endpoint()
    {
        using var client = DynamoDbClientFactory.Create(Settings(("AWS_ENDPOINT_URL_DYNAMODB", DynamoDbTestServer.Endpoint.AbsoluteUri)));

        var tables = await client.ListTablesAsync(new ListTablesRequest());

        Assert.That(tables.HttpStatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
        Assert.That(client.Config.ServiceURL, Is.EqualTo(DynamoDbTestServer.Endpoint.AbsoluteUri));
    }
}
