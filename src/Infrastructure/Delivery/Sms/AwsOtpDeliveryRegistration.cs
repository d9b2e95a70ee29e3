using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Delivery.Smtp;
using CleanCqrs.Infrastructure.Messaging.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Infrastructure.Delivery.Sms;

public static class AwsOtpDeliveryRegistration
{
    /// <summary>Registers OTP delivery for AWS: SMS through SNS, e-mail through SMTP, routed by channel.</summary>
    public static IServiceCollection AddAwsOtpDelivery(this IServiceCollection services, SnsSettings sns, SmtpSettings smtp)
    {
        ArgumentNullException.ThrowIfNull(sns);
        ArgumentNullException.ThrowIfNull(smtp);
        services.AddSnsClient(sns);
        services.AddSingleton(smtp);
        services.AddSingleton(sp => new SnsSmsSender(sp.GetRequiredService<SnsClient>(), SnsRegistration.LoggerOf<SnsSmsSender>(sp)));
        services.AddSingleton(sp => new SmtpEmailSender(sp.GetRequiredService<SmtpSettings>(), SnsRegistration.LoggerOf<SmtpEmailSender>(sp)));
        services.AddSingleton<IOtpSender>(sp => new ChannelOtpSender(
            sp.GetRequiredService<SnsSmsSender>(),
            sp.GetRequiredService<SmtpEmailSender>()));
        return services;
    }
}
