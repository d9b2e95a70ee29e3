using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Infrastructure.Messaging.Sns;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.Infrastructure.Security.Kms;
using CleanCqrs.Infrastructure.Sqlite;
using CleanCqrs.Infrastructure.Tests.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Tests;

[TestFixture]
public sealed class InfrastructureRegistrationTests
{
    private static readonly Dictionary<string, string> Aws = new(StringComparer.Ordinal)
    {
        ["AWS_REGION"] = "ap-southeast-1",
        ["EVENTS_TABLE"] = "prod-events",
        ["READ_MODELS_TABLE"] = "prod-read-models",
        ["EVENTS_TOPIC_ARN"] = "arn:aws:sns:ap-southeast-1:123456789012:cleancqrs-events.fifo",
        ["JWT_KMS_KEY_ID"] = "arn:aws:kms:ap-southeast-1:123456789012:key/0f6b2c3e-1111-4222-8333-944455556666",
        ["OTP_KMS_KEY_ID"] = "arn:aws:kms:ap-southeast-1:123456789012:key/1f6b2c3e-1111-4222-8333-944455556666",
        ["SMTP_HOST"] = "email-smtp.ap-southeast-1.amazonaws.com",
        ["SMTP_FROM"] = "no-reply@example.com",
        ["SMTP_USERNAME"] = "user",
        ["SMTP_PASSWORD"] = "secret",
    };

    [Test]
    public void Local_settings_register_the_embedded_adapters()
    {
        using var directory = new TemporaryDataDirectory();
        var settings = new ServiceSettings { DataDirectory = directory.Path };

        using var provider = Services().AddInfrastructure(settings, _ => null).BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IEventStore>(), Is.TypeOf<SqliteEventStore>());
        Assert.That(provider.GetRequiredService<IReadModelStore<OrgReadModel>>(), Is.TypeOf<SqliteReadModelStore<OrgReadModel>>());
        Assert.That(provider.GetRequiredService<ICommitPublisher>(), Is.TypeOf<InProcCommitPublisher>());
        Assert.That(provider.GetRequiredService<ITokenIssuer>(), Is.TypeOf<JwtTokenService>());
        Assert.That(provider.GetRequiredService<IOtpSender>(), Is.TypeOf<DevMailboxSender>());
    }

    [Test]
    public void Aws_settings_register_the_aws_adapters_without_connecting()
    {
        var settings = new ServiceSettings
        {
            Store = StoreKind.DynamoDb, Broker = BrokerKind.Sns, Security = SecurityKind.Kms, Delivery = DeliveryKind.Aws,
        };

        using var provider = Services()
            .AddInfrastructure(settings, name => Aws.GetValueOrDefault(name)).BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IEventStore>(), Is.TypeOf<DynamoDbEventStore>());
        Assert.That(provider.GetRequiredService<IReadModelStore<OrgReadModel>>(), Is.TypeOf<DynamoDbReadModelStore<OrgReadModel>>());
        Assert.That(provider.GetRequiredService<ICommitPublisher>(), Is.TypeOf<SnsCommitPublisher>());
        Assert.That(provider.GetRequiredService<IJwtSigningKey>(), Is.TypeOf<KmsJwtSigningKey>());
        Assert.That(provider.GetRequiredService<IOtpSender>(), Is.TypeOf<ChannelOtpSender>());
    }

    [TestCase("EVENTS_TOPIC_ARN")]
    [TestCase("JWT_KMS_KEY_ID")]
    [TestCase("SMTP_HOST")]
    public void A_missing_aws_setting_fails_the_start_naming_it(string missing)
    {
        var settings = new ServiceSettings
        {
            Store = StoreKind.DynamoDb, Broker = BrokerKind.Sns, Security = SecurityKind.Kms, Delivery = DeliveryKind.Aws,
        };

        var error = Assert.Throws<SettingsException>(() => new ServiceCollection()
            .AddInfrastructure(settings, name => name == missing ? null : Aws.GetValueOrDefault(name)));

        Assert.That(error!.Setting, Is.EqualTo(missing));
        Assert.That(error.Message, Does.Contain(missing));
    }

    private static IServiceCollection Services() =>
        new ServiceCollection().AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
}
