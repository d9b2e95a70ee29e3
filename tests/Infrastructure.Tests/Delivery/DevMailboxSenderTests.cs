using System.Globalization;
using System.Text;
using System.Text.Json;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.Infrastructure.Tests.Delivery;

public sealed class DevMailboxSenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private TemporaryDataDirectory _directory = null!;
    private FakeTimeProvider _clock = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = new TemporaryDataDirectory();
        _clock = new FakeTimeProvider(Now);
    }

    [TearDown]
    public void RemoveDirectory() => _directory.Dispose();

    [Test]
    public async Task Writes_one_json_line_in_the_exact_format()
    {
        var sender = new DevMailboxSender(_directory.Path, _clock);

        await sender.SendAsync(Message("sms", "+6591234567", "0123456789abcdef0123456789abcdef", "012345"), CancellationToken.None);

        var content = await File.ReadAllTextAsync(_directory.File("outbox.jsonl"), Encoding.UTF8);
        Assert.That(content, Is.EqualTo(
            """{"channel":"sms","to":"+6591234567","otpId":"0123456789abcdef0123456789abcdef","code":"012345","sentAt":"2026-11-27T09:30:00.000Z"}""" + "\n"));
    }

    [Test]
    public async Task Every_property_is_a_string_and_sent_at_is_utc()
    {
        _clock.SetUtcNow(Now.AddMilliseconds(123));
        var sender = new DevMailboxSender(_directory.Path, _clock);

        await sender.SendAsync(Message("email", "ana@example.com", "fedcba9876543210fedcba9876543210", "987654"), CancellationToken.None);

        var line = (await File.ReadAllLinesAsync(sender.MailboxPath)).Single();
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "channel", "to", "otpId", "code", "sentAt" }));
        Assert.That(root.EnumerateObject().Select(p => p.Value.ValueKind), Is.All.EqualTo(JsonValueKind.String));
        var sentAt = DateTimeOffset.Parse(root.GetProperty("sentAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("channel").GetString(), Is.EqualTo("email"));
            Assert.That(root.GetProperty("to").GetString(), Is.EqualTo("ana@example.com"));
            Assert.That(root.GetProperty("code").GetString(), Is.EqualTo("987654"));
            Assert.That(root.GetProperty("sentAt").GetString(), Is.EqualTo("2026-11-27T09:30:00.123Z"));
            Assert.That(sentAt, Is.EqualTo(Now.AddMilliseconds(123)));
            Assert.That(sentAt.Offset, Is.EqualTo(TimeSpan.Zero));
        });
    }

    [Test]
    public async Task Writes_non_ascii_addresses_as_utf8()
    {
        var sender = new DevMailboxSender(_directory.Path, _clock);

        await sender.SendAsync(Message("email", "jürgen@例え.jp", "0123456789abcdef0123456789abcdef", "000001"), CancellationToken.None);

        var bytes = await File.ReadAllBytesAsync(sender.MailboxPath);
        var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        using var json = JsonDocument.Parse(text);
        Assert.That(json.RootElement.GetProperty("to").GetString(), Is.EqualTo("jürgen@例え.jp"));
        Assert.That(bytes[..3], Is.Not.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte order mark");
    }

    [Test]
    public async Task Creates_a_missing_data_directory()
    {
        var nested = Path.Combine(_directory.Path, "not", "yet");
        var sender = new DevMailboxSender(nested, _clock);

        await sender.SendAsync(Message("sms", "+6591234567", "0123456789abcdef0123456789abcdef", "123456"), CancellationToken.None);

        Assert.That(File.Exists(Path.Combine(nested, DevMailboxSender.FileName)), Is.True);
    }

    [Test]
    public async Task Appends_to_an_existing_mailbox()
    {
        var sender = new DevMailboxSender(_directory.Path, _clock);

        await sender.SendAsync(Message("sms", "+6591234567", "0123456789abcdef0123456789abcdef", "111111"), CancellationToken.None);
        await sender.SendAsync(Message("sms", "+6591234567", "0123456789abcdef0123456789abcdef", "111111"), CancellationToken.None);
        await new DevMailboxSender(_directory.Path, _clock)
            .SendAsync(Message("sms", "+6591234567", "fedcba9876543210fedcba9876543210", "222222"), CancellationToken.None);

        var codes = (await File.ReadAllLinesAsync(sender.MailboxPath)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("code").GetString());
        Assert.That(codes, Is.EqualTo(new[] { "111111", "111111", "222222" }));
    }

    [Test]
    public async Task Concurrent_sends_write_whole_lines()
    {
        var senders = new[] { new DevMailboxSender(_directory.Path, _clock), new DevMailboxSender(_directory.Path, _clock) };
        const int count = 200;

        await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
            await senders[i % 2].SendAsync(
                Message(i % 2 == 0 ? "sms" : "email", $"user{i}@example.com" + new string('x', i), i.ToString("x32", CultureInfo.InvariantCulture), i.ToString("D6", CultureInfo.InvariantCulture)),
                CancellationToken.None))));

        var content = await File.ReadAllTextAsync(senders[0].MailboxPath);
        Assert.That(content, Does.EndWith("\n"));
        var lines = content[..^1].Split('\n');
        Assert.That(lines, Has.Length.EqualTo(count));
        var otpIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            otpIds.Add(json.RootElement.GetProperty("otpId").GetString()!);
        }

        Assert.That(otpIds, Has.Count.EqualTo(count));
    }

    [Test]
    public async Task Registration_delivers_to_the_mailbox_in_the_data_directory()
    {
        await using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddDevMailbox(_directory.Path)
            .BuildServiceProvider();

        await provider.GetRequiredService<IOtpSender>()
            .SendAsync(Message("sms", "+6591234567", "0123456789abcdef0123456789abcdef", "424242"), CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(_directory.File(DevMailboxSender.FileName)), Does.Contain("\"sentAt\":\"2026-11-27T09:30:00.000Z\""));
    }

    private OtpMessage Message(string channel, string to, string otpId, string code) =>
        new(channel, to, otpId, code, _clock.GetUtcNow().AddMinutes(5));
}
