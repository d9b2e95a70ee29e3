using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Tests.Sns;

namespace CleanCqrs.Infrastructure.Tests.Configuration;

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

    [Test]
    public async Task Warm_ups_run_one_at_a_time()
    {
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = false;
        var first = new AwsClientWarmup(() =>
        {
            firstStarted.SetResult();
            return firstMayFinish.Task;
        }, resolveCredentials: false);
        var second = new AwsClientWarmup(() =>
        {
            secondStarted = true;
            return Task.CompletedTask;
        }, resolveCredentials: false);

        first.Warm();
        // Task.Run does not keep order: start the second only once the first holds its turn.
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        second.Warm();
        await Task.WhenAny(second.Completion!, Task.Delay(TimeSpan.FromMilliseconds(200)));
        var startedWhileFirstRan = secondStarted;
        firstMayFinish.SetResult();
        await Task.WhenAll(first.Completion!, second.Completion!).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(startedWhileFirstRan, Is.False, "the second warm-up ran beside the first");
        Assert.That(secondStarted, Is.True);
    }
}
