using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Security.Kms;

namespace CleanCqrs.Infrastructure.Tests.Kms;

public sealed class KmsSettingsTests
{
    private const string KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string OtherKeyId = "0987dcba-09fe-87dc-65ba-ab0987654321";
    private const string NoCredentialsFile = "/nonexistent/cleancqrs-tests/credentials";

    [Test]
    public void Reads_both_keys_and_a_local_endpoint_with_local_credentials()
    {
        var settings = Read(new()
        {
            ["JWT_KMS_KEY_ID"] = " alias/cleancqrs-jwt ",
            ["OTP_KMS_KEY_ID"] = KeyId,
            ["AWS_ENDPOINT_URL_KMS"] = "http://127.0.0.1:4566",
        });

        Assert.Multiple(() =>
        {
            Assert.That(settings.JwtKeyId, Is.EqualTo("alias/cleancqrs-jwt"));
            Assert.That(settings.OtpKeyId, Is.EqualTo(KeyId));
            Assert.That(settings.ServiceUrl, Is.EqualTo(new Uri("http://127.0.0.1:4566")));
            Assert.That(settings.Region, Is.EqualTo(KmsSettings.LocalRegion));
            Assert.That(settings.UseLocalCredentials, Is.True);
        });
    }

    [Test]
    public void In_aws_uses_the_region_and_the_default_credential_chain()
    {
        var settings = Read(new()
        {
            ["JWT_KMS_KEY_ID"] = KeyId,
            ["OTP_KMS_KEY_ID"] = OtherKeyId,
            ["AWS_REGION"] = "ap-southeast-1",
            ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLE",
        });

        Assert.Multiple(() =>
        {
            Assert.That(settings.ServiceUrl, Is.Null);
            Assert.That(settings.Region, Is.EqualTo("ap-southeast-1"));
            Assert.That(settings.UseLocalCredentials, Is.False);
        });
    }

    [Test]
    public void Kms_endpoint_wins_over_the_general_one()
    {
        var settings = Read(Keys(new()
        {
            ["AWS_ENDPOINT_URL"] = "http://localhost:1111",
            ["AWS_ENDPOINT_URL_KMS"] = "http://localhost:2222",
        }));

        Assert.That(settings.ServiceUrl, Is.EqualTo(new Uri("http://localhost:2222")));
    }

    [Test]
    public void General_endpoint_is_used_without_a_kms_one()
    {
        Assert.That(Read(Keys(new() { ["AWS_ENDPOINT_URL"] = "http://localhost:1111" })).ServiceUrl, Is.EqualTo(new Uri("http://localhost:1111")));
    }

    [Test]
    public void Endpoints_can_be_ignored()
    {
        var settings = Read(Keys(new()
        {
            ["AWS_ENDPOINT_URL_KMS"] = "http://localhost:2222",
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true",
        }));

        Assert.That(settings.ServiceUrl, Is.Null);
    }

    [Test]
    public void Configured_credentials_are_used_even_for_a_local_endpoint()
    {
        var settings = Read(Keys(new()
        {
            ["AWS_ENDPOINT_URL_KMS"] = "http://127.0.0.1:4566",
            ["AWS_PROFILE"] = "dev",
        }));

        Assert.That(settings.UseLocalCredentials, Is.False);
    }

    [Test]
    public void Remote_endpoint_never_gets_local_credentials()
    {
        var settings = Read(Keys(new() { ["AWS_ENDPOINT_URL_KMS"] = "https://kms.example.test" }));

        Assert.That(settings.UseLocalCredentials, Is.False);
    }

    [TestCase(KeyId)]
    [TestCase("mrk-1234abcd12ab34cd56ef1234567890ab")]
    [TestCase("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [TestCase("arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab")]
    [TestCase("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [TestCase("alias/cleancqrs-jwt")]
    [TestCase("alias/prod/cleancqrs_jwt-2")]
    [TestCase("arn:aws:kms:ap-southeast-1:111122223333:alias/cleancqrs-jwt")]
    public void Accepts_every_way_kms_names_a_key(string reference)
    {
        var settings = Read(new() { ["JWT_KMS_KEY_ID"] = reference, ["OTP_KMS_KEY_ID"] = "alias/otp" });

        Assert.That(settings.JwtKeyId, Is.EqualTo(reference));
    }

    [TestCase("JWT_KMS_KEY_ID")]
    [TestCase("OTP_KMS_KEY_ID")]
    public void Missing_key_is_named(string setting)
    {
        var values = new Dictionary<string, string?> { ["JWT_KMS_KEY_ID"] = KeyId, ["OTP_KMS_KEY_ID"] = OtherKeyId, [setting] = "  " };

        var error = Assert.Throws<SettingsException>(() => Read(values));

        Assert.That(error!.Setting, Is.EqualTo(setting));
        Assert.That(error.Message, Does.Contain(setting).And.Contain("required"));
    }

    [TestCase("JWT_KMS_KEY_ID", "my-signing-key")]
    [TestCase("JWT_KMS_KEY_ID", "alias/")]
    [TestCase("JWT_KMS_KEY_ID", "alias/has space")]
    [TestCase("JWT_KMS_KEY_ID", "key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [TestCase("JWT_KMS_KEY_ID", "1234abcd-12ab-34cd-56ef-1234567890")]
    [TestCase("OTP_KMS_KEY_ID", "arn:aws:kms:us-east-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [TestCase("OTP_KMS_KEY_ID", "arn:aws:s3:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [TestCase("OTP_KMS_KEY_ID", "arn:aws:kms:us-east-1:111122223333:secret/x")]
    public void Malformed_key_is_named(string setting, string value)
    {
        var values = new Dictionary<string, string?> { ["JWT_KMS_KEY_ID"] = KeyId, ["OTP_KMS_KEY_ID"] = OtherKeyId, [setting] = value };

        var error = Assert.Throws<SettingsException>(() => Read(values));

        Assert.That(error!.Setting, Is.EqualTo(setting));
        Assert.That(error.Message, Does.Contain(setting).And.Contain(value));
    }

    [TestCase("alias/aws/kms")]
    [TestCase("arn:aws:kms:us-east-1:111122223333:alias/aws/lambda")]
    public void Aws_managed_key_is_refused(string value)
    {
        var error = Assert.Throws<SettingsException>(() => Read(new() { ["JWT_KMS_KEY_ID"] = value, ["OTP_KMS_KEY_ID"] = OtherKeyId }));

        Assert.That(error!.Message, Does.Contain("JWT_KMS_KEY_ID").And.Contain("AWS managed"));
    }

    [Test]
    public void Same_key_for_tokens_and_codes_is_refused()
    {
        var error = Assert.Throws<SettingsException>(() => Read(new() { ["JWT_KMS_KEY_ID"] = KeyId, ["OTP_KMS_KEY_ID"] = KeyId }));

        Assert.That(error!.Setting, Is.EqualTo("OTP_KMS_KEY_ID"));
        Assert.That(error.Message, Does.Contain("JWT_KMS_KEY_ID"));
    }

    [TestCase("AWS_ENDPOINT_URL_KMS", "localhost:4566")]
    [TestCase("AWS_ENDPOINT_URL_KMS", "ftp://127.0.0.1/")]
    [TestCase("AWS_ENDPOINT_URL", "not a url")]
    public void Malformed_endpoint_is_named(string setting, string value)
    {
        var error = Assert.Throws<SettingsException>(() => Read(Keys(new() { [setting] = value })));

        Assert.That(error!.Setting, Is.EqualTo(setting));
        Assert.That(error.Message, Does.Contain(setting));
    }

    [Test]
    public void Client_goes_to_the_configured_endpoint()
    {
        var settings = Read(Keys(new() { ["AWS_ENDPOINT_URL_KMS"] = "http://127.0.0.1:4566" }));

        using var client = settings.CreateClient();

        Assert.Multiple(() =>
        {
            Assert.That(client.Config.ServiceURL, Is.EqualTo("http://127.0.0.1:4566/"));
            Assert.That(client.Config.AuthenticationRegion, Is.EqualTo(KmsSettings.LocalRegion));
            Assert.That(client.Config.Timeout, Is.EqualTo(KmsSettings.RequestTimeout));
        });
    }

    [Test]
    public void Client_goes_to_the_region_without_an_endpoint()
    {
        var settings = Read(Keys(new() { ["AWS_REGION"] = "ap-southeast-1", ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLE" }));

        using var client = settings.CreateClient();

        Assert.That(client.Config.RegionEndpoint?.SystemName, Is.EqualTo("ap-southeast-1"));
    }

    private static Dictionary<string, string?> Keys(Dictionary<string, string?> more)
    {
        more.TryAdd("JWT_KMS_KEY_ID", KeyId);
        more.TryAdd("OTP_KMS_KEY_ID", OtherKeyId);
        return more;
    }

    private static KmsSettings Read(Dictionary<string, string?> values)
    {
        values.TryAdd("AWS_SHARED_CREDENTIALS_FILE", NoCredentialsFile);
        return KmsSettings.FromEnvironment(values.GetValueOrDefault);
    }
}
