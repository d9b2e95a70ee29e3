using System.Globalization;
using System.Text.Json.Nodes;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Domain.Otps;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Reliability.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Reliability.Tests.Concurrency;

/// <summary>
/// Verification is decided on the event stream, so a crowd verifying one OTP at once still gets
/// exactly one token, and a crowd of wrong codes exactly five counted attempts before the lock.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.DynamoDb)]
public sealed class ConcurrentVerifyTests(StoreKind store)
{
    private const int Crowd = 32;

    private ServiceHarness _service = null!;

    [SetUp]
    public async Task StartAsync() => _service = await ServiceHarness.StartAsync(new HarnessOptions { Store = store });

    [TearDown]
    public async Task StopAsync() => await _service.DisposeAsync();

    [Test]
    public async Task A_crowd_with_the_right_code_gets_exactly_one_token()
    {
        var primary = $"crowd-{Guid.NewGuid():N}@example.com";
        var (otpId, code) = await IssueAsync(primary);

        var replies = await AllAtOnceAsync(() => Verify(primary, otpId, code));

        Assert.That(replies.Count(r => r.Status == 200), Is.EqualTo(1), string.Join("\n", replies.Select(r => r.ToString()).Distinct()));
        Assert.That(replies.Where(r => r.Status != 200).Select(Reason), Is.All.EqualTo("used"));
        Assert.That(Primary.TryCreate(primary, OtpRoles.Org, "SG", out var normalised, out _), Is.True);
        var subject = await _service.Provider.GetRequiredService<ISubjectIds>().SubjectOfAsync(normalised, CancellationToken.None);
        var stream = await _service.ReadStreamAsync("otp-" + subject);
        Assert.That(stream.Count(e => e.Data is OtpVerified), Is.EqualTo(1));
    }

    [Test]
    public async Task A_crowd_of_wrong_codes_counts_exactly_five_attempts_then_the_otp_is_locked()
    {
        var primary = $"guessers-{Guid.NewGuid():N}@example.com";
        var (otpId, code) = await IssueAsync(primary);
        var wrong = ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

        var replies = await AllAtOnceAsync(() => Verify(primary, otpId, wrong));

        Assert.That(replies.Select(r => r.Status), Is.All.EqualTo(401));
        var counted = replies.Where(r => Reason(r) == "invalid_code").Select(r => r.Json!["attemptsRemaining"]!.GetValue<int>());
        Assert.That(counted.Order(), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }), "each remaining count told exactly once");
        Assert.That(replies.Count(r => Reason(r) == "locked"), Is.EqualTo(Crowd - 5));
        var afterwards = await _service.SendAsync(Verify(primary, otpId, code));
        Assert.That(Reason(afterwards), Is.EqualTo("locked"), "the right code comes too late");
    }

    private static string? Reason(ApiResponse response) => response.Json?["reason"]?.GetValue<string>();

    private static ApiRequest Verify(string primary, string otpId, string code) =>
        ApiRequest.PostJson("/otp/verify", new JsonObject
        {
            ["primary"] = primary,
            ["role"] = "org",
            ["country"] = "SG",
            ["otpId"] = otpId,
            ["code"] = code,
        }.ToJsonString());

    private async Task<(string OtpId, string Code)> IssueAsync(string primary)
    {
        var requested = await _service.SendAsync(ApiRequest.PostJson("/otp", new JsonObject { ["primary"] = primary, ["role"] = "org", ["country"] = "SG" }.ToJsonString()));
        Assert.That(requested.Status, Is.EqualTo(202), requested.ToString());
        var otpId = requested.Json!["otpId"]!.GetValue<string>();
        var mailbox = Path.Combine(_service.DataDirectory, DevMailboxSender.FileName);
        string? code = null;
        await Eventually.HoldsAsync(async () =>
        {
            var lines = File.Exists(mailbox) ? await File.ReadAllLinesAsync(mailbox) : [];
            code = lines.Select(l => JsonNode.Parse(l)!).FirstOrDefault(l => l["otpId"]!.GetValue<string>() == otpId)?["code"]!.GetValue<string>();
            return code is null ? "the code is not delivered yet" : null;
        });
        return (otpId, code!);
    }

    private async Task<ApiResponse[]> AllAtOnceAsync(Func<ApiRequest> request)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, Crowd)
            .Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await _service.SendAsync(request());
            }))
            .ToArray();
        start.SetResult();
        return await Task.WhenAll(callers);
    }
}
