using System.Text.Json;

namespace CleanCqrs.Bench;

/// <summary>
/// Reads OTP codes from the local service's dev mailbox, <c>&lt;data-dir&gt;/outbox.jsonl</c>: one line
/// <c>{channel, to, otpId, code, sentAt}</c> per delivery. Delivery is an event handler behind the
/// broker, so the line shows up a little after the request was accepted.
/// </summary>
public static class DevMailbox
{
    public const string FileName = "outbox.jsonl";

    public static async Task<string> WaitForCodeAsync(string dataDirectory, string otpId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (TryFindCode(path, otpId) is { } code)
            {
                return code;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException(
                    $"no line for otpId {otpId} appeared in {path} within {timeout.TotalSeconds} s; " +
                    "is this the data directory of the running service, and is delivery the dev mailbox?");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private static string? TryFindCode(string path, string otpId)
    {
        string[] lines;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            lines = reader.ReadToEnd().Split('\n');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        // Newest first: a redelivered message may have written its line twice, and the latest line wins anyway.
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            if (!lines[i].Contains(otpId, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                using var line = JsonDocument.Parse(lines[i]);
                if (line.RootElement.TryGetProperty("otpId", out var id) && id.GetString() == otpId
                    && line.RootElement.TryGetProperty("code", out var code) && code.GetString() is { } text)
                {
                    return text;
                }
            }
            catch (JsonException)
            {
                // A line still being appended; the next poll reads it whole.
            }
        }

        return null;
    }
}
