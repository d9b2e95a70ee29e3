using System.Net;
using System.Net.Http.Json;
using System.Text;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Reliability.Tests.Support;

namespace CleanCqrs.Reliability.Tests.Concurrency;

/// <summary>
/// SPEC 5.2 and 5.3 on the real stores, in local mode (the local HTTP server, TCP peers as source
/// addresses) and through Lambda events: crowds with one idempotency key, budgets and address limits.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.DynamoDb)]
public sealed class AbuseAndIdempotencyTests(StoreKind store)
{
    private const int SmsBudget = 40;
    private const int AddressLimit = 3;

    private ServiceHarness _service = null!;

    [SetUp]
    public async Task StartAsync() => _service = await ServiceHarness.StartAsync(new HarnessOptions
    {
        Store = store,
        Settings = s => s with { SmsBudgetPerHour = SmsBudget, OtpAddressLimitPerHour = AddressLimit },
    });

    [TearDown]
    public async Task StopAsync() => await _service.DisposeAsync();

    [Test]
    public async Task Sixty_four_concurrent_creates_with_one_key_run_once()
    {
        var subject = Guid.NewGuid().ToString();
        var token = await _service.TokenAsync(subject);
        var request = ApiRequest.PostJson("/orgs", """{"name":"Crowd","location":"Jakarta"}""", token).WithHeader("Idempotency-Key", "one-key");

        var replies = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => _service.SendAsync(request))));

        var stream = await _service.ReadStreamAsync("org-" + subject);
        Assert.That(stream, Has.Count.EqualTo(1), "one execution");
        Assert.That(replies.Count(r => r.Status == 201 && r.Header("Idempotency-Replayed") is null), Is.EqualTo(1));
        Assert.That(replies.Where(r => r.Status != 201).Select(r => r.Status), Is.All.EqualTo(409));
        var replay = await _service.SendAsync(request);
        Assert.That((replay.Status, replay.Header("Idempotency-Replayed")), Is.EqualTo((201, "true")));
    }

    [Test]
    public async Task The_sms_budget_holds_exactly_when_sixty_four_addresses_ask_at_once_over_http()
    {
        var clients = Enumerable.Range(0, 64).Select(i => SourceBoundClient.From(SourceBoundClient.Loopback(i))).ToArray();
        try
        {
            var statuses = await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
            {
                var body = $$"""{"primary":"+62812{{i + 1000000:D7}}","role":"worker","country":"ID"}""";
                using var response = await client.PostAsync(
                    new Uri(_service.LocalUrl!, "/otp"), new StringContent(body, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                return ((int)response.StatusCode, text);
            })));

            Assert.That(statuses.Count(s => s.Item1 == 202), Is.EqualTo(SmsBudget), string.Join("\n", statuses.Where(s => s.Item1 != 202 && s.Item1 != 429).Select(s => s.text)));
            Assert.That(statuses.Where(s => s.Item1 != 202).Select(s => s.text), Is.All.Contains("budget-exhausted:sms"));
            var mailbox = Path.Combine(_service.DataDirectory, DevMailboxSender.FileName);
            await Eventually.HoldsAsync(async () =>
            {
                var lines = File.Exists(mailbox) ? (await File.ReadAllLinesAsync(mailbox)).Length : 0;
                return lines == SmsBudget ? null : $"{lines} of {SmsBudget} deliveries";
            });
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Test]
    public async Task The_local_server_counts_requests_by_tcp_peer_whatever_the_headers_say()
    {
        using var attacker = SourceBoundClient.From(IPAddress.Parse("127.0.9.9"));
        using var someoneElse = SourceBoundClient.From(IPAddress.Parse("127.0.9.10"));
        async Task<HttpStatusCode> Ask(HttpClient client, int n)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_service.LocalUrl!, "/otp"))
            {
                Content = JsonContent.Create(new { primary = $"peer{n}@example.com", role = "org", country = "SG" }),
            };
            message.Headers.Add("X-Forwarded-For", $"10.0.0.{n}");
            using var response = await client.SendAsync(message);
            return response.StatusCode;
        }

        for (var n = 0; n < AddressLimit; n++)
        {
            Assert.That(await Ask(attacker, n), Is.EqualTo(HttpStatusCode.Accepted));
        }

        Assert.That(await Ask(attacker, 99), Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(await Ask(someoneElse, 99), Is.EqualTo(HttpStatusCode.Accepted));
    }
}
