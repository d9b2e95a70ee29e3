using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SimpleSystemsManagement.Model;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery.Sms;
using CleanCqrs.Infrastructure.Delivery.Smtp;
using CleanCqrs.Infrastructure.Messaging.Sns;
using CleanCqrs.Infrastructure.Tests.Sns;
using CleanCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanCqrs.Infrastructure.Tests.Delivery;

/// <summary>The SMTP password as an SSM SecureString: read once, decrypted by SSM, never configured in plain text.</summary>
public sealed class SsmSmtpPasswordTests
{
    private const string Parameter = "/cleancqrs/smtp-password";

    private LoopbackHttpServer _server = null!;
    private readonly ConcurrentQueue<(string? Target, JsonNode Body)> _calls = new();
    private readonly ConcurrentQueue<(int Status, string Json)> _script = new();

    [SetUp]
    public void SetUp()
    {
        _calls.Clear();
        _script.Clear();
        _server = LoopbackHttpServer.Start(AnswerAsync, concurrent: true);
    }

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    [Test]
    public async Task Reads_the_secure_string_once_with_decryption_however_often_it_is_asked()
    {
        var password = Password();

        password.Warm();
        var values = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => password.GetAsync(CancellationToken.None).AsTask()));

        Assert.That(values, Is.All.EqualTo("s3cret-from-ssm"));
        var call = _calls.Single();
        Assert.Multiple(() =>
        {
            Assert.That(call.Target, Is.EqualTo("AmazonSSM.GetParameter"));
            Assert.That(call.Body["Name"]!.GetValue<string>(), Is.EqualTo(Parameter));
            Assert.That(call.Body["WithDecryption"]!.GetValue<bool>(), Is.True);
        });
    }

    [Test]
    public async Task A_failed_read_is_not_kept_and_the_next_e_mail_reads_again()
    {
        _script.Enqueue((400, """{"__type":"ParameterNotFound","message":"Parameter /cleancqrs/smtp-password not found."}"""));
        var password = Password();

        Assert.CatchAsync<SettingsException>(async () => await password.GetAsync(CancellationToken.None));
        var value = await password.GetAsync(CancellationToken.None);

        Assert.That(value, Is.EqualTo("s3cret-from-ssm"));
        Assert.That(_calls, Has.Count.EqualTo(2));
    }

    [Test]
    public void A_plain_string_parameter_fails_the_start_naming_it()
    {
        _script.Enqueue((200, Reply("String")));

        var password = Password();
        password.Warm();
        var error = Assert.CatchAsync<SettingsException>(async () => await password.CheckAsync(CancellationToken.None), "the start fails");

        Assert.That(error!.Message, Does.Contain(Parameter).And.Contain("SecureString"));
        Assert.That(error.Setting, Is.EqualTo(SmtpSettings.PasswordParameterSetting));
    }

    [Test]
    public void A_parameter_that_cannot_work_is_logged_as_stopping_the_start_not_as_retried()
    {
        _script.Enqueue((200, Reply("String")));
        var logger = new ListLogger<SsmSmtpPassword>();

        var password = Password(logger);
        password.Warm();
        Assert.CatchAsync<SettingsException>(async () => await password.CheckAsync(CancellationToken.None));

        Assert.That(() => logger.Lines, Has.Some.Contains("cannot start").After(10_000, 10));
        Assert.That(logger.Lines, Has.None.Contains("will try again"));
    }

    [Test]
    public void Settings_take_a_parameter_name_instead_of_a_password()
    {
        var settings = SmtpSettings.FromEnvironment(Env(("SMTP_USERNAME", "AKIAEXAMPLE"), ("SMTP_PASSWORD_PARAMETER", Parameter)));

        Assert.Multiple(() =>
        {
            Assert.That(settings.PasswordParameter, Is.EqualTo(Parameter));
            Assert.That(settings.Password, Is.Null);
            Assert.That(settings.ToString(), Does.Contain(Parameter));
        });
    }

    [TestCase("SMTP_PASSWORD", "both", "SMTP_PASSWORD_PARAMETER")]
    [TestCase("SMTP_PASSWORD_PARAMETER", "not a name!", null)]
    public void Settings_refuse_a_password_beside_the_parameter_or_a_malformed_name(string setting, string value, string? alsoSet)
    {
        var values = new List<(string, string?)> { ("SMTP_USERNAME", "AKIAEXAMPLE"), (setting, value) };
        if (alsoSet is not null)
        {
            values.Add((alsoSet, Parameter));
        }

        var error = Assert.Throws<SettingsException>(() => SmtpSettings.FromEnvironment(Env([.. values])));

        Assert.That(error!.Setting, Is.EqualTo(setting));
    }

    [Test]
    public void A_username_without_password_or_parameter_names_the_parameter()
    {
        var error = Assert.Throws<SettingsException>(() => SmtpSettings.FromEnvironment(Env(("SMTP_USERNAME", "AKIAEXAMPLE"))));

        Assert.That(error!.Setting, Is.EqualTo("SMTP_PASSWORD_PARAMETER"));
    }

    [Test]
    public async Task Aws_delivery_with_a_parameter_reads_the_password_from_ssm_at_start_up()
    {
        var environment = Env(("SMTP_USERNAME", "AKIAEXAMPLE"), ("SMTP_PASSWORD_PARAMETER", Parameter), ("AWS_ENDPOINT_URL_SSM", _server.Endpoint.AbsoluteUri),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/cleancqrs-tests/credentials"));
        var sns = new SnsSettings { Region = "eu-west-1", Endpoint = new Uri("http://127.0.0.1:1/"), EventsTopicArn = "arn:aws:sns:eu-west-1:123456789012:e.fifo" };
        await using var provider = new ServiceCollection()
            .AddAwsOtpDelivery(sns, SmtpSettings.FromEnvironment(environment), environment)
            .BuildServiceProvider();

        foreach (var warmup in provider.GetServices<IStartupWarmup>())
        {
            warmup.Warm();
        }

        var source = provider.GetRequiredService<ISmtpPasswordSource>();
        Assert.That(await source.GetAsync(CancellationToken.None), Is.EqualTo("s3cret-from-ssm"));
        Assert.That(_calls, Has.Count.EqualTo(1));
    }

    private SsmSmtpPassword Password(ILogger<SsmSmtpPassword>? logger = null) => new(
        SsmSmtpPassword.CreateClient(Env(("AWS_ENDPOINT_URL_SSM", _server.Endpoint.AbsoluteUri), ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/cleancqrs-tests/credentials"))),
        Parameter,
        logger ?? NullLogger<SsmSmtpPassword>.Instance);

    private static string Reply(string type) => new JsonObject
    {
        ["Parameter"] = new JsonObject
        {
            ["Name"] = Parameter,
            ["Type"] = type,
            ["Value"] = "s3cret-from-ssm",
            ["Version"] = 1,
            ["ARN"] = "arn:aws:ssm:eu-west-1:123456789012:parameter" + Parameter,
            ["DataType"] = "text",
        },
    }.ToJsonString();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        _calls.Enqueue((context.Request.Headers["X-Amz-Target"], JsonNode.Parse(await reader.ReadToEndAsync())!));
        var (status, json) = _script.TryDequeue(out var scripted) ? scripted : (200, Reply("SecureString"));
        var body = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    /// <summary>The values given, over a relay host and sender that every SMTP setting needs.</summary>
    private static Func<string, string?> Env(params (string Name, string? Value)[] values) =>
        name => values.Any(v => v.Name == name)
            ? values.First(v => v.Name == name).Value
            : name switch
            {
                "SMTP_HOST" => "email-smtp.eu-west-1.amazonaws.com",
                "SMTP_FROM" => "no-reply@example.com",
                _ => null,
            };
}
