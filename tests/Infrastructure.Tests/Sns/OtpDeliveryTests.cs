using System.Text;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.Delivery.Sms;
using CleanCqrs.Infrastructure.Delivery.Smtp;
using CleanCqrs.Infrastructure.Messaging.Sns;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using NSubstitute;

namespace CleanCqrs.Infrastructure.Tests.Sns;

public sealed class SnsSmsSenderTests
{
    private static readonly DateTimeOffset ExpiresAt = new(2026, 11, 27, 14, 5, 0, TimeSpan.FromHours(7));

    private FakeSnsServer _server = null!;
    private SnsClient _client = null!;
    private ListLogger<SnsSmsSender> _logger = null!;

    [SetUp]
    public void SetUp()
    {
        _server = new FakeSnsServer();
        _client = SnsTestKit.Client(_server);
        _logger = new ListLogger<SnsSmsSender>();
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Publishes_the_code_to_the_phone_number_as_a_transactional_sms_without_a_topic()
    {
        var sender = new SnsSmsSender(_client, _logger);

        await sender.SendAsync(new OtpMessage("sms", "+6281234567890", "otp-1", "123456", ExpiresAt), CancellationToken.None);

        var form = _server.Requests.Single().Form;
        Assert.Multiple(() =>
        {
            Assert.That(form["Action"], Is.EqualTo("Publish"));
            Assert.That(form["PhoneNumber"], Is.EqualTo("+6281234567890"));
            Assert.That(form, Does.Not.ContainKey("TopicArn"));
            Assert.That(form, Does.Not.ContainKey("MessageGroupId"));
            Assert.That(form["Message"], Is.EqualTo("Your CleanCqrs code is 123456. It expires at 07:05 UTC."));
            Assert.That(form["MessageAttributes.entry.1.Name"], Is.EqualTo("AWS.SNS.SMS.SMSType"));
            Assert.That(form["MessageAttributes.entry.1.Value.DataType"], Is.EqualTo("String"));
            Assert.That(form["MessageAttributes.entry.1.Value.StringValue"], Is.EqualTo("Transactional"));
        });
    }

    [Test]
    public async Task Never_logs_the_code_or_the_number()
    {
        var sender = new SnsSmsSender(_client, _logger);

        await sender.SendAsync(new OtpMessage("sms", "+6281234567890", "otp-1", "987654", ExpiresAt), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_logger.Lines, Is.Not.Empty);
            Assert.That(_logger.Lines, Has.None.Contain("987654"));
            Assert.That(_logger.Lines, Has.None.Contain("+6281234567890"));
            Assert.That(_logger.Lines, Has.Some.Contain("otp-1"));
        });
    }

    [TestCase("081234567890")]
    [TestCase("+0123456789")]
    [TestCase("someone@example.com")]
    public void Refuses_a_number_that_is_not_E164_without_calling_SNS(string to)
    {
        var sender = new SnsSmsSender(_client, _logger);

        var error = Assert.ThrowsAsync<ArgumentException>(async () =>
            await sender.SendAsync(new OtpMessage("sms", to, "otp-1", "123456", ExpiresAt), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Not.Contain("123456"));
            Assert.That(_server.Requests, Is.Empty);
        });
    }
}

public sealed class SmtpEmailSenderTests
{
    private static readonly DateTimeOffset ExpiresAt = new(2026, 11, 27, 9, 35, 0, TimeSpan.Zero);

    [Test]
    public async Task Delivers_the_code_to_the_recipient_over_plain_smtp()
    {
        await using var smtp = new FakeSmtpServer();
        var settings = SmtpSettings.FromEnvironment(Env(
            ("SMTP_HOST", "127.0.0.1"),
            ("SMTP_PORT", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("SMTP_SECURITY", "none"),
            ("SMTP_FROM", "CleanCqrs <no-reply@cleancqrs.test>")));
        var logger = new ListLogger<SmtpEmailSender>();

        await new SmtpEmailSender(settings, logger)
            .SendAsync(new OtpMessage("email", "ops@acme.test", "otp-7", "246810", ExpiresAt), CancellationToken.None);

        var mail = smtp.Mails.Single();
        var message = await MimeMessage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(mail.Data)));
        Assert.Multiple(() =>
        {
            Assert.That(mail.MailFrom, Is.EqualTo("no-reply@cleancqrs.test"));
            Assert.That(mail.Recipients, Is.EqualTo(new[] { "ops@acme.test" }));
            Assert.That(mail.AuthPlain, Is.Null);
            Assert.That(message.Subject, Is.EqualTo("Your CleanCqrs code"));
            Assert.That(message.TextBody, Does.Contain("246810").And.Contain("09:35 UTC"));
            Assert.That(logger.Lines, Has.None.Contain("246810"));
        });
    }

    [Test]
    public async Task Authenticates_when_a_username_is_set()
    {
        await using var smtp = new FakeSmtpServer();
        var settings = new SmtpSettings
        {
            Host = "127.0.0.1",
            Port = smtp.Port,
            Security = SmtpSecurity.None,
            Username = "AKIASMTPUSER",
            Password = "smtp-secret",
            From = "no-reply@cleancqrs.test",
        };

        await new SmtpEmailSender(settings, NullLogger<SmtpEmailSender>.Instance)
            .SendAsync(new OtpMessage("email", "ops@acme.test", "otp-8", "135790", ExpiresAt), CancellationToken.None);

        var plain = Encoding.UTF8.GetString(Convert.FromBase64String(smtp.Mails.Single().AuthPlain!));
        Assert.That(plain, Is.EqualTo("\0AKIASMTPUSER\0smtp-secret"));
    }

    private static Func<string, string?> Env(params (string Name, string? Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;
}

public sealed class SmtpSettingsTests
{
    private static readonly (string Name, string? Value)[] Valid =
    [
        ("SMTP_HOST", "email-smtp.eu-west-1.amazonaws.com"),
        ("SMTP_USERNAME", "AKIASMTPUSER"),
        ("SMTP_PASSWORD", "smtp-secret"),
        ("SMTP_FROM", "no-reply@cleancqrs.test"),
    ];

    [Test]
    public void Reads_the_settings_with_starttls_on_587_by_default()
    {
        var settings = SmtpSettings.FromEnvironment(Env());

        Assert.Multiple(() =>
        {
            Assert.That(settings.Host, Is.EqualTo("email-smtp.eu-west-1.amazonaws.com"));
            Assert.That(settings.Port, Is.EqualTo(587));
            Assert.That(settings.Security, Is.EqualTo(SmtpSecurity.StartTls));
            Assert.That(settings.Username, Is.EqualTo("AKIASMTPUSER"));
            Assert.That(settings.Password, Is.EqualTo("smtp-secret"));
            Assert.That(settings.From, Is.EqualTo("no-reply@cleancqrs.test"));
        });
    }

    [TestCase("tls", SmtpSecurity.Tls, 465)]
    [TestCase("none", SmtpSecurity.None, 25)]
    [TestCase("STARTTLS", SmtpSecurity.StartTls, 587)]
    public void Picks_the_port_that_goes_with_the_security_mode(string security, SmtpSecurity expected, int port)
    {
        var settings = SmtpSettings.FromEnvironment(Env(("SMTP_SECURITY", security)));

        Assert.Multiple(() =>
        {
            Assert.That(settings.Security, Is.EqualTo(expected));
            Assert.That(settings.Port, Is.EqualTo(port));
        });
    }

    [TestCase("SMTP_HOST", null)]
    [TestCase("SMTP_HOST", "not a host")]
    [TestCase("SMTP_PORT", "smtp")]
    [TestCase("SMTP_PORT", "70000")]
    [TestCase("SMTP_SECURITY", "ssl3")]
    [TestCase("SMTP_FROM", null)]
    [TestCase("SMTP_FROM", "nobody")]
    [TestCase("SMTP_PASSWORD", "")]
    public void Rejects_a_missing_or_malformed_setting_naming_it(string name, string? value)
    {
        var error = Assert.Throws<SettingsException>(() => SmtpSettings.FromEnvironment(Env((name, value))));

        Assert.Multiple(() =>
        {
            Assert.That(error.Setting, Is.EqualTo(name));
            Assert.That(error.Message, Does.Contain(name));
        });
    }

    [Test]
    public void Rejects_a_password_without_a_username_naming_the_username()
    {
        var error = Assert.Throws<SettingsException>(() => SmtpSettings.FromEnvironment(Env(("SMTP_USERNAME", null))));

        Assert.That(error.Setting, Is.EqualTo("SMTP_USERNAME"));
    }

    [Test]
    public void Keeps_the_password_out_of_its_text()
    {
        var text = SmtpSettings.FromEnvironment(Env()).ToString();

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain("smtp-secret"));
            Assert.That(text, Does.Contain("AKIASMTPUSER"));
        });
    }

    /// <summary>The valid settings with <paramref name="overrides"/> applied (a null value unsets one).</summary>
    private static Func<string, string?> Env(params (string Name, string? Value)[] overrides) =>
        name => overrides.Any(o => o.Name == name)
            ? overrides.First(o => o.Name == name).Value
            : Valid.FirstOrDefault(v => v.Name == name).Value;
}

public sealed class ChannelOtpSenderTests
{
    private static readonly DateTimeOffset ExpiresAt = new(2026, 11, 27, 9, 35, 0, TimeSpan.Zero);

    private IOtpSender _sms = null!;
    private IOtpSender _email = null!;

    [SetUp]
    public void SetUp()
    {
        _sms = Substitute.For<IOtpSender>();
        _email = Substitute.For<IOtpSender>();
    }

    [Test]
    public async Task Sends_sms_otps_by_sms()
    {
        var message = new OtpMessage("sms", "+6591234567", "otp-1", "111111", ExpiresAt);

        await new ChannelOtpSender(_sms, _email).SendAsync(message, CancellationToken.None);

        await _sms.Received(1).SendAsync(message, Arg.Any<CancellationToken>());
        await _email.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Test]
    public async Task Sends_email_otps_by_email()
    {
        var message = new OtpMessage("email", "ops@acme.test", "otp-2", "222222", ExpiresAt);

        await new ChannelOtpSender(_sms, _email).SendAsync(message, CancellationToken.None);

        await _email.Received(1).SendAsync(message, Arg.Any<CancellationToken>());
        await _sms.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }

    [Test]
    public async Task Refuses_an_unknown_channel()
    {
        var message = new OtpMessage("pigeon", "roof", "otp-3", "333333", ExpiresAt);

        Assert.ThrowsAsync<ArgumentException>(async () => await new ChannelOtpSender(_sms, _email).SendAsync(message, CancellationToken.None));

        await _sms.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
        await _email.DidNotReceiveWithAnyArgs().SendAsync(default!, default);
    }
}
