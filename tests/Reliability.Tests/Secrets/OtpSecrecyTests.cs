using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.Messaging;
using CleanCqrs.Reliability.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Reliability.Tests.Secrets;

/// <summary>
/// A full sign-in flow on the DynamoDB path (dynalite), then a search for every OTP code issued: it
/// may appear in the dev mailbox (the delivery) and nowhere else — not in any table item, broker
/// message, log line or HTTP reply.
/// </summary>
public sealed class OtpSecrecyTests
{
    private readonly ConcurrentQueue<string> _published = new();
    private readonly List<string> _replies = [];
    private ServiceHarness _service = null!;

    [SetUp]
    public async Task StartAsync() =>
        _service = await ServiceHarness.StartAsync(new HarnessOptions
        {
            Store = StoreKind.DynamoDb,
            Configure = services => services.Decorate<ICommitPublisher>((inner, _) => new RecordingPublisher(inner, _published)),
        });

    [TearDown]
    public async Task StopAsync() => await _service.DisposeAsync();

    [Test]
    public async Task An_otp_code_appears_only_in_its_delivery_never_in_tables_messages_logs_or_replies()
    {
        const string owner = "Owner.Secret@Example.COM";
        var ownerOtp = await RequestOtpAsync(owner, "org");
        var ownerCode = await DeliveredCodeAsync(ownerOtp);
        Assert.That(await SendAsync("/otp", OtpBody(owner, "org")), Is.EqualTo(429), "rate limited: a second request within 30 s");
        foreach (var wrong in new[] { Wrong(ownerCode, 1), Wrong(ownerCode, 2) })
        {
            Assert.That(await SendAsync("/otp/verify", VerifyBody(owner, "org", ownerOtp, wrong)), Is.EqualTo(401));
        }

        var verified = await _service.SendAsync(ApiRequest.PostJson("/authenticate", VerifyBody(owner, "org", ownerOtp, ownerCode)));
        Record(verified);
        Assert.That(verified.Status, Is.EqualTo(200), verified.ToString());
        Assert.That(await SendAsync("/otp/verify", VerifyBody(owner, "org", ownerOtp, ownerCode)), Is.EqualTo(401), "single use");

        var token = verified.Json!["token"]!.GetValue<string>();
        var orgId = verified.Json["subject"]!.GetValue<string>();
        Assert.That(await SendAsync("/orgs", new OrgProfileText("Secretive Pte Ltd", "Singapore", null).ToJson(), token), Is.EqualTo(201));
        var replaced = await _service.SendAsync(ApiRequest.PutJson($"/orgs/{orgId}", new OrgProfileText("Secretive Pte Ltd", "Singapore", "Still quiet").ToJson(), token));
        Record(replaced);
        Assert.That(replaced.Status, Is.EqualTo(200));
        await Eventually.HoldsAsync(async () =>
        {
            var read = await _service.SendAsync(new ApiRequest("GET", $"/orgs/{orgId}") { Query = "minVersion=2" });
            Record(read);
            return read.Status == 200 ? null : $"the org reads {read}";
        });

        const string worker = "+65 8123 4567";
        var workerOtp = await RequestOtpAsync(worker, "worker");
        var workerCode = await DeliveredCodeAsync(workerOtp);
        Assert.That(await SendAsync("/otp/verify", VerifyBody(worker, "worker", workerOtp, workerCode)), Is.EqualTo(200));
        await Eventually.HoldsAsync(async () => (await _service.PendingAsync()).Count > 0 ? "commits pending" : null);

        var tables = await ScanTablesAsync();
        var broker = await SqliteFiles.DumpAsync(Path.Combine(_service.DataDirectory, InProcBrokerOptions.DefaultFileName));
        var logs = string.Join("\n", _service.Logs.Entries.Select(e => $"{e.Level} {e.Category} {e.Message} {e.Exception} {string.Join(" ", e.Scopes)}"));
        var messages = string.Join("\n", _published);
        string replies;
        lock (_replies)
        {
            replies = string.Join("\n", _replies);
        }

        // The search has to see what it searches: the OTP ids are in the tables, messages and logs.
        Assert.That(tables, Does.Contain(ownerOtp).And.Contain(workerOtp));
        Assert.That(messages, Does.Contain(ownerOtp));
        Assert.That(logs, Does.Contain(ownerOtp));
        var mailbox = await File.ReadAllTextAsync(Path.Combine(_service.DataDirectory, DevMailboxSender.FileName));
        Assert.That(Occurrences(mailbox, ownerCode), Is.Not.Empty, "the delivery carries the code, and the search finds it there");
        Assert.That(Occurrences(mailbox, workerCode), Is.Not.Empty);

        foreach (var (code, whose) in new[] { (ownerCode, "the org's"), (workerCode, "the worker's") })
        {
            Assert.Multiple(() =>
            {
                Assert.That(Occurrences(tables, code), Is.Empty, $"{whose} code in the DynamoDB tables");
                Assert.That(Occurrences(messages, code), Is.Empty, $"{whose} code in a published message");
                Assert.That(Occurrences(broker, code), Is.Empty, $"{whose} code in the broker's file");
                Assert.That(Occurrences(logs, code), Is.Empty, $"{whose} code in the logs");
                Assert.That(Occurrences(replies, code), Is.Empty, $"{whose} code in an HTTP reply");
            });
        }
    }

    /// <summary>The code as text or base64 of its text, standing alone (not inside a longer run of digits, such as a timestamp).</summary>
    private static List<string> Occurrences(string haystack, string code)
    {
        var base64 = Convert.ToBase64String(Encoding.ASCII.GetBytes(code));
        var found = new List<string>();
        foreach (Match match in Regex.Matches(haystack, $@"(?<![0-9]){code}(?![0-9])|{Regex.Escape(base64)}"))
        {
            var start = Math.Max(0, match.Index - 80);
            found.Add(haystack.Substring(start, Math.Min(haystack.Length - start, 160 + code.Length)));
        }

        return found;
    }

    private static string Wrong(string code, int offset) =>
        ((int.Parse(code, CultureInfo.InvariantCulture) + offset) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    private static string OtpBody(string primary, string role) =>
        new JsonObject { ["primary"] = primary, ["role"] = role, ["country"] = "SG" }.ToJsonString();

    private static string VerifyBody(string primary, string role, string otpId, string code) =>
        new JsonObject { ["primary"] = primary, ["role"] = role, ["country"] = "SG", ["otpId"] = otpId, ["code"] = code }.ToJsonString();

    private async Task<string> RequestOtpAsync(string primary, string role)
    {
        var requested = await _service.SendAsync(ApiRequest.PostJson("/otp", OtpBody(primary, role)));
        Record(requested);
        Assert.That(requested.Status, Is.EqualTo(202), requested.ToString());
        return requested.Json!["otpId"]!.GetValue<string>();
    }

    /// <summary>The code the dev mailbox received for <paramref name="otpId"/>, once the broker has delivered the issued event.</summary>
    private async Task<string> DeliveredCodeAsync(string otpId)
    {
        var mailbox = Path.Combine(_service.DataDirectory, DevMailboxSender.FileName);
        string? code = null;
        await Eventually.HoldsAsync(async () =>
        {
            var lines = File.Exists(mailbox) ? await File.ReadAllLinesAsync(mailbox) : [];
            code = lines.Select(l => JsonNode.Parse(l)!).FirstOrDefault(l => l["otpId"]!.GetValue<string>() == otpId)?["code"]!.GetValue<string>();
            return code is null ? $"no mail for {otpId} yet" : null;
        });
        return code!;
    }

    private async Task<int> SendAsync(string path, string json, string? token = null)
    {
        var response = await _service.SendAsync(ApiRequest.PostJson(path, json, token));
        Record(response);
        return response.Status;
    }

    private void Record(ApiResponse response)
    {
        lock (_replies)
        {
            _replies.Add(response.ToString());
        }
    }

    /// <summary>Every item of both tables, every attribute, as text.</summary>
    private async Task<string> ScanTablesAsync()
    {
        var client = _service.Provider.GetRequiredService<IAmazonDynamoDB>();
        var text = new StringBuilder();
        foreach (var table in new[] { _service.Tables!.Events, _service.Tables.ReadModels })
        {
            var request = new ScanRequest { TableName = table, ConsistentRead = true };
            do
            {
                var page = await client.ScanAsync(request);
                foreach (var item in page.Items ?? [])
                {
                    foreach (var (name, value) in item)
                    {
                        text.Append(name).Append('=');
                        Append(text, value);
                        text.Append('\t');
                    }

                    text.AppendLine();
                }

                request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (request.ExclusiveStartKey is not null);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, AttributeValue value)
    {
        if (value.S is not null)
        {
            text.Append(value.S);
        }
        else if (value.N is not null)
        {
            text.Append(value.N);
        }
        else if (value.B is not null)
        {
            var bytes = value.B.ToArray();
            text.Append(Convert.ToBase64String(bytes)).Append(' ').Append(Encoding.UTF8.GetString(bytes));
        }
        else if (value.M is { Count: > 0 } map)
        {
            foreach (var (name, inner) in map)
            {
                text.Append(name).Append(':');
                Append(text, inner);
                text.Append(' ');
            }
        }
        else if (value.L is { Count: > 0 } list)
        {
            list.ForEach(inner =>
            {
                Append(text, inner);
                text.Append(' ');
            });
        }
        else
        {
            text.AppendJoin(' ', value.SS ?? []).AppendJoin(' ', value.NS ?? []);
        }
    }

    /// <summary>Keeps what goes to the broker exactly as it goes: body and attributes of every message.</summary>
    private sealed class RecordingPublisher(ICommitPublisher inner, ConcurrentQueue<string> published) : ICommitPublisher
    {
        public async ValueTask PublishAsync(Application.Common.EventSourcing.Commit commit, CancellationToken cancellationToken)
        {
            foreach (var message in InProcCommitPublisher.ToMessages(commit))
            {
                published.Enqueue($"{message.GroupId} {message.DeduplicationId} {message.Body} {string.Join(",", message.MessageAttributes)}");
            }

            await inner.PublishAsync(commit, cancellationToken);
        }
    }
}
