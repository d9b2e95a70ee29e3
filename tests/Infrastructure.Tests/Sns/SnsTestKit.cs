using Amazon.Runtime;
using CleanCqrs.Infrastructure.Messaging.Sns;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Tests.Sns;

/// <summary>Builds clients aimed at a <see cref="FakeSnsServer"/>, with waits that are recorded and do not sleep.</summary>
internal static class SnsTestKit
{
    public const string TopicArn = "arn:aws:sns:eu-west-1:123456789012:events.fifo";
    public const string Region = "eu-west-1";

    public static SnsSettings Settings(FakeSnsServer server) =>
        new() { Region = Region, Endpoint = server.Endpoint, EventsTopicArn = TopicArn };

    public static SnsClient Client(FakeSnsServer server, List<TimeSpan>? delays = null, AWSCredentials? credentials = null) =>
        new(
            Settings(server),
            credentials ?? new BasicAWSCredentials(SigV4.AccessKey, SigV4.SecretKey),
            new SnsRetryPolicy
            {
                MaxAttempts = 4,
                Clock = new RecordedDelays(delays),
                Random = new HalfWindow(),
            },
            NullLogger<SnsClient>.Instance);
}
