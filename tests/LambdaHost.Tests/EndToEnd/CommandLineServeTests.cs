using CleanCqrs.LambdaHost.Tests.EndToEnd.Support;
using CleanCqrs.TestSupport;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd;

/// <summary>
/// SPEC section 4: what <c>dotnet run --project src/LambdaHost -- --urls URL --data-dir DIR</c> runs —
/// the program's own command line, on either store, serving until it is stopped (Ctrl-C).
/// </summary>
[TestFixture(StoreUnderTest.Sqlite)]
[TestFixture(StoreUnderTest.DynamoDb)]
public sealed class CommandLineServeTests(StoreUnderTest store)
{
    [Test]
    public async Task The_command_line_serves_the_product_until_stopped()
    {
        using var data = new TemporaryDataDirectory();
        var environment = await ServiceEnvironment.CreateAsync(store, data.Path);
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Task<int> running = null!;
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
            running = Program.RunCommandLineAsync(["--urls", url, "--data-dir", data.Path], output, error, environment.Read, stop.Token);
            if (await ServingAsync(url, running))
            {
                http.BaseAddress = new Uri(url);
                break;
            }

            // The port was taken between finding it free and binding it.
            Assert.That(await running, Is.EqualTo(Program.ExitFailure), error.ToString());
        }

        Assert.That(http.BaseAddress, Is.Not.Null, "the program never listened");
        var api = new ApiClient(http);
        var (token, subject) = await api.SignInAsync(data.Path, "cli@example.com");
        await api.CreateOrgAsync(token, """{"name":"Command Line","location":"Bandar Seri Begawan"}""");
        Assert.That((await api.WaitForOrgAsync(subject, 1)).Json!["name"]!.GetValue<string>(), Is.EqualTo("Command Line"));

        await stop.CancelAsync();

        Assert.That(await running, Is.EqualTo(Program.ExitOk), error.ToString());
        Assert.That(output.ToString(), Does.Contain("CleanCqrs local mode on " + http.BaseAddress.GetLeftPart(UriPartial.Authority)));
        Assert.That(output.ToString(), Does.EndWith("Stopped." + Environment.NewLine));
    }

    private static async Task<bool> ServingAsync(string url, Task<int> running)
    {
        using var probe = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!running.IsCompleted)
        {
            try
            {
                using var response = await probe.GetAsync("/.well-known/jwks.json");
                return true;
            }
            catch (HttpRequestException) when (DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }

        return false;
    }
}
