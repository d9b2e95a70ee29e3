using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.Delivery.Sms;
using CleanCqrs.Infrastructure.Delivery.Smtp;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Infrastructure.Messaging.Sns;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.Infrastructure.Security.Kms;
using CleanCqrs.Infrastructure.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the adapters chosen by <paramref name="settings"/>: the store (SQLite or DynamoDB), the
    /// broker (in-process or SNS), the keys (files or KMS) and OTP delivery (dev mailbox or SNS SMS +
    /// SMTP). Settings of the AWS adapters are read from the environment here, so a missing one fails
    /// the start with a message naming it. Nothing connects to anything yet: clients are lazy.
    /// </summary>
    public static IServiceCollection AddInfrastructure(
        this IServiceCollection services, ServiceSettings settings, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(settings);

        _ = settings.Store switch
        {
            StoreKind.Sqlite => services.AddSqliteStore(settings.DataDirectory),
            StoreKind.DynamoDb => services.AddDynamoDbStore(DynamoDbTableNames.FromEnvironment(environment), environment)
                .AddSingleton<IStartupWarmup>(sp => new AwsClientWarmup(
                    () => DynamoDbClientFactory.WarmAsync(sp.GetRequiredService<DynamoDbTableNames>(), environment),
                    resolveCredentials: AwsClientSettings.HasConfiguredCredentials(new SettingsReader(environment)))),
            _ => throw new SettingsException(ServiceSettings.StoreSetting, $"'{settings.Store}' is not supported"),
        };

        SnsSettings? sns = null;
        _ = settings.Broker switch
        {
            BrokerKind.InProc => services.AddInProcBroker(settings.DataDirectory, settings.MaxReceiveCount),
            BrokerKind.Sns => services.AddSnsBroker(sns = SnsSettings.FromEnvironment(environment)),
            _ => throw new SettingsException(ServiceSettings.BrokerSetting, $"'{settings.Broker}' is not supported"),
        };

        _ = settings.Security switch
        {
            SecurityKind.Local => services.AddLocalSecurity(settings.DataDirectory, settings.TokenIssuer, settings.TokenLifetime),
            SecurityKind.Kms => services.AddKmsSecurity(KmsSettings.FromEnvironment(environment), settings.TokenIssuer, settings.TokenLifetime),
            _ => throw new SettingsException(ServiceSettings.SecuritySetting, $"'{settings.Security}' is not supported"),
        };

        _ = settings.Delivery switch
        {
            DeliveryKind.Mailbox => services.AddDevMailbox(settings.DataDirectory),
            DeliveryKind.Aws => services.AddAwsOtpDelivery(
                sns ?? SnsSettings.FromEnvironment(environment), SmtpSettings.FromEnvironment(environment), environment),
            _ => throw new SettingsException(ServiceSettings.DeliverySetting, $"'{settings.Delivery}' is not supported"),
        };

        return services;
    }
}
