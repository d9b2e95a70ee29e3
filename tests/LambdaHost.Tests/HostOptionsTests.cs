using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.TestSupport;

namespace CleanCqrs.LambdaHost.Tests;

public sealed class HostOptionsTests
{
    [Test]
    public void No_arguments_is_local_mode_on_the_default_url()
    {
        var options = HostOptions.Parse([]);

        Assert.That(options.Command, Is.EqualTo(HostCommand.Serve));
        Assert.That(options.Url, Is.EqualTo(new Uri("http://127.0.0.1:5080")));
        Assert.That(options.Settings(_ => null).DataDirectory, Is.EqualTo("./.data"));
    }

    [Test]
    public void Options_and_commands_are_read()
    {
        var options = HostOptions.Parse(["--urls", "http://localhost:6000", "--data-dir=/tmp/x", "rebuild-projections"]);

        Assert.That(options.Command, Is.EqualTo(HostCommand.RebuildProjections));
        Assert.That(options.Url, Is.EqualTo(new Uri("http://localhost:6000")));
        Assert.That(options.DataDirectory, Is.EqualTo("/tmp/x"));
    }

    [Test]
    public void Data_dir_flag_wins_over_the_environment()
    {
        var environment = new Dictionary<string, string?> { ["CLEANCQRS_DATA_DIR"] = "/from/env" };

        Assert.That(HostOptions.Parse([]).Settings(environment.GetValueOrDefault).DataDirectory, Is.EqualTo("/from/env"));
        Assert.That(HostOptions.Parse(["--data-dir", "/from/flag"]).Settings(environment.GetValueOrDefault).DataDirectory, Is.EqualTo("/from/flag"));
    }

    [TestCase("--urls")]
    [TestCase("--urls", "https://127.0.0.1:5080")]
    [TestCase("--urls", "127.0.0.1:5080")]
    [TestCase("--urls", "http://127.0.0.1:5080/api")]
    [TestCase("--urls", "http://api.example.com:5080")]
    [TestCase("--bogus")]
    [TestCase("provision", "provision")]
    [TestCase("deploy")]
    public void Bad_arguments_name_themselves(params string[] args)
    {
        var error = Assert.Throws<SettingsException>(() => HostOptions.Parse(args));

        Assert.That(error!.Message, Does.StartWith("Configuration error: "));
    }

    [Test]
    public async Task Provision_with_sqlite_says_there_is_nothing_to_do()
    {
        var (code, output, _) = await RunAsync(["provision"], new() { ["CLEANCQRS_STORE"] = "sqlite" });

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("creates its schema itself"));
    }

    [Test]
    public async Task Provision_with_dynamodb_creates_the_tables_and_is_idempotent()
    {
        using var dynalite = await DynaliteServer.StartAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string?>
        {
            ["CLEANCQRS_STORE"] = "dynamodb",
            ["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite.Endpoint.AbsoluteUri,
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials",
            ["EVENTS_TABLE"] = $"events-{suffix}",
            ["READ_MODELS_TABLE"] = $"read-models-{suffix}",
        };

        var first = await RunAsync(["provision"], environment);
        var second = await RunAsync(["provision"], environment);

        Assert.That(first.Code, Is.EqualTo(0), first.Error);
        Assert.That(second.Code, Is.EqualTo(0), second.Error);
        Assert.That(first.Output, Does.Contain($"events-{suffix}").And.Contain("active"));
    }

    [Test]
    public async Task Provision_with_an_invalid_table_name_names_the_setting()
    {
        var (code, _, error) = await RunAsync(
            ["provision"], new() { ["CLEANCQRS_STORE"] = "dynamodb", ["EVENTS_TABLE"] = "no spaces allowed" });

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("EVENTS_TABLE"));
    }

    [Test]
    public async Task Settings_error_prints_one_line_and_exits_2()
    {
        var (code, output, error) = await RunAsync([], new() { ["OTP_TTL"] = "soon" });

        Assert.That(code, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.StartWith("Configuration error: OTP_TTL"));
    }

    [Test]
    public async Task Unknown_argument_exits_2()
    {
        var (code, _, error) = await RunAsync(["--port", "80"], []);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--port"));
    }

    [Test]
    public async Task Help_prints_the_usage()
    {
        var (code, output, _) = await RunAsync(["--help"], []);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.StartWith("Usage: LambdaHost [--urls URL] [--data-dir DIR] [rebuild-projections | provision]"));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, Dictionary<string, string?> environment)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.RunCommandLineAsync(args, output, error, environment.GetValueOrDefault, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
