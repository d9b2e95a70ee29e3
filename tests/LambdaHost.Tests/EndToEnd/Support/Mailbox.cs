using System.Text.Json.Nodes;
using CleanCqrs.Infrastructure.Delivery;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

/// <summary>One line of the dev mailbox (SPEC section 4): every member a string.</summary>
public sealed record MailboxLine(string Channel, string To, string OtpId, string Code, string SentAt);

/// <summary>Reads <c>outbox.jsonl</c> the way a developer would: as text, while the service writes it.</summary>
public static class Mailbox
{
    public static string PathIn(string dataDirectory) => System.IO.Path.Combine(dataDirectory, DevMailboxSender.FileName);

    public static IReadOnlyList<MailboxLine> Read(string dataDirectory)
    {
        string text;
        try
        {
            using var stream = new FileStream(PathIn(dataDirectory), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return [];
        }

        var lines = new List<MailboxLine>();
        var complete = text.Split('\n');
        // The last segment is empty after a finished line, or the line being written right now.
        foreach (var line in complete[..^1].Where(l => l.Length > 0))
        {
            var json = JsonNode.Parse(line)!.AsObject();
            lines.Add(new MailboxLine(
                json["channel"]!.GetValue<string>(),
                json["to"]!.GetValue<string>(),
                json["otpId"]!.GetValue<string>(),
                json["code"]!.GetValue<string>(),
                json["sentAt"]!.GetValue<string>()));
        }

        return lines;
    }

    /// <summary>The line delivered for <paramref name="otpId"/>, once the broker has carried the issued event to the sender.</summary>
    public static Task<MailboxLine> WaitForAsync(string dataDirectory, string otpId) =>
        Poll.UntilAsync(
            () => Task.FromResult(Read(dataDirectory).FirstOrDefault(l => l.OtpId == otpId)),
            $"the dev mailbox line of OTP {otpId}");
}
