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
        using var process = Launch(runtimeApi, dataDir);
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

    [Test]
    public async Task An_smtp_password_parameter_that_does_not_exist_fails_the_init_naming_setting_and_parameter()
    {
        var dataDir = Directory.CreateTempSubdirectory("cleancqrs-lambda-").FullName;
        await using var runtimeApi = new FakeRuntimeApiServer();
        await using var ssm = new FakeSsm();
        // The deployed delivery: SMS through SNS (never called here), e-mail with the password in SSM.
        using var process = Launch(runtimeApi, dataDir, new Dictionary<string, string>
        {
            ["CLEANCQRS_DELIVERY"] = "aws",
            ["EVENTS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:cleancqrs-events.fifo",
            ["AWS_ENDPOINT_URL_SNS"] = "http://127.0.0.1:1/",
            ["AWS_ENDPOINT_URL_SSM"] = ssm.Endpoint.AbsoluteUri,
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/cleancqrs-tests/credentials",
            ["SMTP_HOST"] = "email-smtp.us-east-1.amazonaws.com",
            ["SMTP_USERNAME"] = "AKIAEXAMPLE",
            ["SMTP_FROM"] = "no-reply@example.com",
            ["SMTP_PASSWORD_PARAMETER"] = "/cleancqrs/smtp-password",
        });
        try
        {
            var initError = await runtimeApi.InitError.Task.WaitAsync(Patience);

            Assert.Multiple(() =>
            {
                Assert.That(initError.ErrorType, Is.EqualTo("Runtime.ConfigInvalid"));
                Assert.That(initError.Body, Does.Contain("SMTP_PASSWORD_PARAMETER").And.Contain("/cleancqrs/smtp-password").And.Contain("ParameterNotFound"));
                Assert.That(ssm.Calls.Select(c => c.Target), Is.EqualTo(new[] { "AmazonSSM.GetParameter" }));
            });
            await process.WaitForExitAsync().WaitAsync(Patience);
            Assert.That(process.ExitCode, Is.EqualTo(1), "the runtime exits after reporting the init error");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>LambdaHost.dll in Lambda mode against <paramref name="runtimeApi"/>, on SQLite and the in-process broker.</summary>
    private static Process Launch(FakeRuntimeApiServer runtimeApi, string dataDir, IReadOnlyDictionary<string, string>? settings = null)
    {
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
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
