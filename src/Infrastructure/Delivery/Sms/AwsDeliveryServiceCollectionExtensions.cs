using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Delivery.Smtp;
using CleanCqrs.Infrastructure.Messaging.Sns;
using Amazon.SimpleSystemsManagement;
using CleanCqrs.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanCqrs.Infrastructure.Delivery.Sms;

public static class AwsDeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Registers OTP delivery for AWS: SMS through SNS, e-mail through SMTP, routed by channel. With
    /// <see cref="SmtpSettings.PasswordParameter"/> the SMTP password is read from SSM (one client, built
    /// from <paramref name="environment"/> like every AWS client) at start-up, not from configuration.
    /// </summary>
    public static IServiceCollection AddAwsOtpDelivery(
        this IServiceCollection services, SnsSettings sns, SmtpSettings smtp, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(sns);
        ArgumentNullException.ThrowIfNull(smtp);
        services.AddSnsClient(sns);
        services.AddSingleton(smtp);
        services.AddSingleton(sp => new SnsSmsSender(sp.GetRequiredService<SnsClient>(), SnsServiceCollectionExtensions.LoggerOf<SnsSmsSender>(sp)));
        if (smtp.PasswordParameter is { } parameter)
        {
            services.TryAddSingleton(_ => SsmSmtpPassword.CreateClient(environment));
            services.AddSingleton(sp => new SsmSmtpPassword(
                sp.GetRequiredService<IAmazonSimpleSystemsManagement>(), parameter, SnsServiceCollectionExtensions.LoggerOf<SsmSmtpPassword>(sp)));
            services.AddSingleton<ISmtpPasswordSource>(sp => sp.GetRequiredService<SsmSmtpPassword>());
            services.AddSingleton<IStartupWarmup>(sp => sp.GetRequiredService<SsmSmtpPassword>());
            services.AddSingleton<IStartupCheck>(sp => sp.GetRequiredService<SsmSmtpPassword>());
        }
        else
        {
            services.AddSingleton<ISmtpPasswordSource>(new ConfiguredSmtpPassword(smtp.Password));
        }

        services.AddSingleton(sp => new SmtpEmailSender(
            sp.GetRequiredService<SmtpSettings>(), SnsServiceCollectionExtensions.LoggerOf<SmtpEmailSender>(sp), sp.GetRequiredService<ISmtpPasswordSource>()));
        services.AddSingleton<IOtpSender>(sp => new ChannelOtpSender(
            sp.GetRequiredService<SnsSmsSender>(),
            sp.GetRequiredService<SmtpEmailSender>()));
        return services;
    }
}
