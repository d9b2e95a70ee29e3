using System.Diagnostics;
using System.Text.Json;
using CleanCqrs.LambdaHost.Tests.Aot;
using CleanCqrs.LambdaHost.Tests.Support;

namespace CleanCqrs.LambdaHost.Tests.Lambda;

/// <summary>
/// The real binary (on the JIT, so it needs no publish) in Lambda mode against a loopback Runtime API:
/// the same process life as the Native AOT bootstrap, with the in-process broker's pump delivering.
/// </summary>
[TestFixture]
public sealed class LambdaModeProcessTests
{
    // Only an upper bound against a hung test, never a timing expectation.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Serves_an_API_event_and_delivers_its_event_with_the_in_process_broker()
    {
        var dataDir = Directory.CreateTempSubdirectory("cleancqrs-lambda-").FullName;
        await using var runtimeApi = new FakeRuntimeApiServer();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LambdaHost.dll"));
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi.Address;
        start.Environment["CLEANCQRS_STORE"] = "sqlite";
        start.Environment["CLEANCQRS_BROKER"] = "inproc";
        start.Environment["CLEANCQRS_DATA_DIR"] = dataDir;
        using var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var request = AwsEvents.HttpApi(new ApiRequest("POST", "/otp").WithJson("""{"primary":"lambda@example.com","role":"org","country":"SG"}"""));
            var answered = await runtimeApi.InvokeAsync(request).WaitAsync(Patience);

            Assert.That(answered.IsResponse, Is.True, answered.Body);
            using var response = JsonDocument.Parse(answered.Body);
            Assert.That(response.RootElement.GetProperty("statusCode").GetInt32(), Is.EqualTo(202));

            var mailbox = Path.Combine(dataDir, "outbox.jsonl");
            var deadline = DateTime.UtcNow + Patience;
            while (!File.Exists(mailbox) || (await File.ReadAllTextAsync(mailbox)).Length == 0)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the OTP was never delivered");
                await Task.Delay(50);
            }

            Assert.That(await File.ReadAllTextAsync(mailbox), Does.Contain("\"to\":\"lambda@example.com\""));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
