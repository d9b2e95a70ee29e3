using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.Infrastructure.Tests.Sns;

/// <summary>Init-time warm-up of the AWS clients: first-call work done early, never a request sent.</summary>
public sealed class StartupWarmupTests
{
    [Test]
    public async Task Sns_client_prepares_its_signer_without_sending_anything()
    {
        await using var server = new FakeSnsServer();
        using var client = SnsTestKit.Client(server);
        var warmup = new AwsClientWarmup(() => client.PrepareAsync().AsTask(), resolveCredentials: false);

        warmup.Warm();
        await warmup.Completion!;

        Assert.That(server.Requests, Is.Empty);
    }

    [Test]
    public async Task A_failing_warm_up_is_no_failure_and_runs_once()
    {
        var runs = 0;
        var warmup = new AwsClientWarmup(() =>
        {
            runs++;
            throw new InvalidOperationException("no endpoint");
        }, resolveCredentials: false);

        warmup.Warm();
        warmup.Warm();
        await warmup.Completion!;

        Assert.That(warmup.Completion!.IsCompletedSuccessfully, Is.True);
        Assert.That(runs, Is.EqualTo(1));
    }
}
