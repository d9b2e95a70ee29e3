using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Infrastructure.Delivery;

/// <summary>
/// Local-mode delivery: one JSON line per OTP appended to <c>&lt;data-dir&gt;/outbox.jsonl</c>, for a
/// developer (or a test) to read the code from. Never registered in AWS mode.
/// </summary>
public sealed class DevMailboxSender : IOtpSender
{
    public const string FileName = "outbox.jsonl";

    // One gate per file, shared by every sender in the process, so lines never interleave.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private readonly string _directory;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _gate;

    public DevMailboxSender(string dataDirectory, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        _directory = Path.GetFullPath(dataDirectory);
        MailboxPath = Path.Combine(_directory, FileName);
        _clock = clock;
        _gate = Gates.GetOrAdd(MailboxPath, _ => new SemaphoreSlim(1, 1));
    }

    public string MailboxPath { get; }

    public async ValueTask SendAsync(OtpMessage message, CancellationToken cancellationToken)
    {
        var line = new MailboxLine(
            message.Channel,
            message.To,
            message.OtpId,
            message.Code,
            _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        var bytes = JsonSerializer.SerializeToUtf8Bytes(line, MailboxJsonContext.Lines.MailboxLine);
        Array.Resize(ref bytes, bytes.Length + 1);
        bytes[^1] = (byte)'\n';

        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(_directory);
            // Opened per line so the file can be deleted or truncated while the host runs.
            await using var stream = new FileStream(
                MailboxPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: true);
            await stream.WriteAsync(bytes, CancellationToken.None);
            await stream.FlushAsync(CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>One line of the dev mailbox; every member a string.</summary>
internal sealed record MailboxLine(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("otpId")] string OtpId,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("sentAt")] string SentAt);

[JsonSerializable(typeof(MailboxLine))]
internal sealed partial class MailboxJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Relaxed escaping keeps the file readable (<c>+6591234567</c>, not <c>\u002B6591234567</c>); it is
    /// never embedded in HTML, the only place the stricter default matters.
    /// </summary>
    public static MailboxJsonContext Lines { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    });
}
