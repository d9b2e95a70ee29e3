using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.Delivery.Sms;
using CleanCqrs.Infrastructure.Delivery.Smtp;
using CleanCqrs.Infrastructure.Messaging.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Infrastructure.Tests.Sns;

public sealed class SnsRegistrationTests
{
    private static readonly SnsSettings Sns = new()
    {
        Region = "eu-west-1",
        Endpoint = new Uri("http://127.0.0.1:1/"),
        EventsTopicArn = SnsTestKit.TopicArn,
    };

    private static readonly SmtpSettings Smtp = new() { Host = "127.0.0.1", Port = 25, Security = SmtpSecurity.None, From = "no-reply@cleancqrs.test" };

    [Test]
    public void Registers_the_sns_commit_publisher_and_the_channel_router_over_one_client()
    {
        using var provider = new ServiceCollection()
            .AddSnsBroker(Sns)
            .AddAwsOtpDelivery(Sns, Smtp)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<ICommitPublisher>(), Is.InstanceOf<SnsCommitPublisher>());
            Assert.That(provider.GetRequiredService<IOtpSender>(), Is.InstanceOf<ChannelOtpSender>());
            Assert.That(provider.GetServices<SnsClient>().Count(), Is.EqualTo(1));
            Assert.That(provider.GetRequiredService<SnsSmsSender>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<SmtpEmailSender>(), Is.Not.Null);
        });
    }
}
