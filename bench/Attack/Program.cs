using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CleanCqrs.Bench;

// The attack benchmark (docs/security.md): an attacker against the local service over real TCP, each
// attacking "machine" a loopback source address of its own (127.10.0.0/16), while legitimate users on
// other addresses (127.20.0.0/16) sign in now and then. Reports what was accepted, what was delivered
// against the budget, and what the legitimate users saw.
var options = CommandLine.Parse(
    args, ["--url", "--data-dir", "--scenario", "--out", "--addresses", "--per-address", "--concurrency", "--sms-price", "--sms-budget"], []);
var url = new Uri(options.Value("--url") ?? throw new UsageException("--url is required"));
var dataDirectory = options.Value("--data-dir") ?? throw new UsageException("--data-dir is required");
var scenario = options.Value("--scenario") ?? "pumping";
var addresses = options.WholeNumber("--addresses", scenario == "pumping" ? 100 : scenario == "lockout-wide" ? 25 : 1, 1, 60000);
var perAddress = options.WholeNumber("--per-address", scenario switch { "pumping" => 100, "lockout-wide" => 5, _ => 5000 }, 1, 1_000_000);
var concurrency = options.WholeNumber("--concurrency", 32, 1, 1024);
var smsBudget = options.WholeNumber("--sms-budget", 500, 1, 1_000_000);
var smsPrice = double.Parse(options.Value("--sms-price") ?? "0.30", CultureInfo.InvariantCulture);
const string Victim = "victim@example.com";

var clients = new ConcurrentDictionary<IPAddress, HttpClient>();
HttpClient ClientFor(IPAddress source) => clients.GetOrAdd(source, address => new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = 4,
    ConnectCallback = async (context, cancellationToken) =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(address, 0));
        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    },
}) { Timeout = TimeSpan.FromSeconds(60) });

async Task<(int Status, string Type)> PostOtp(IPAddress source, string body)
{
    using var response = await ClientFor(source).PostAsync(new Uri(url, "/otp"), new StringContent(body, Encoding.UTF8, "application/json"));
    var text = await response.Content.ReadAsStringAsync();
    var type = string.Empty;
    if ((int)response.StatusCode >= 400 && text.StartsWith('{'))
    {
        using var json = JsonDocument.Parse(text);
        type = json.RootElement.TryGetProperty("type", out var t) ? t.GetString()!.Replace("urn:cleancqrs:problem:", string.Empty, StringComparison.Ordinal) : string.Empty;
    }

    return ((int)response.StatusCode, type);
}

static IPAddress Address(int network, int n) => new([127, (byte)network, (byte)(n >> 8), (byte)(n & 0xFF)]);
static string Phone(int n) => "+62812" + (1_000_000 + n).ToString("D7", CultureInfo.InvariantCulture);
static string Worker(string phone) => $$"""{"primary":"{{phone}}","role":"worker","country":"ID"}""";
static string Org(string email) => $$"""{"primary":"{{email}}","role":"org","country":"SG"}""";

var attack = new ConcurrentDictionary<string, int>();
var legitimate = new ConcurrentDictionary<string, int>();
using var stop = new CancellationTokenSource();

// Legitimate users: a new one every 100 ms, from an address of their own, alternating SMS and e-mail.
var legit = Task.Run(async () =>
{
    for (var n = 1; !stop.IsCancellationRequested; n++)
    {
        var sms = n % 2 == 0;
        var (status, type) = await PostOtp(Address(20, n), sms ? Worker(Phone(5_000_000 + n)) : Org($"legit{n}@example.com"));
        legitimate.AddOrUpdate($"{(sms ? "sms" : "email")} {status} {type}".TrimEnd(), 1, (_, c) => c + 1);
        try
        {
            await Task.Delay(100, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
});

var requests = Enumerable.Range(0, addresses).SelectMany(a => Enumerable.Range(0, perAddress).Select(i => (Address: a, Index: i)));
var started = DateTime.UtcNow;
await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (request, _) =>
{
    var body = scenario switch
    {
        "pumping" or "flood" => Worker(Phone((request.Address * perAddress) + request.Index)),
        _ => Org(Victim),
    };
    var (status, type) = await PostOtp(Address(10, request.Address + 1), body);
    attack.AddOrUpdate($"{status} {type}".TrimEnd(), 1, (_, c) => c + 1);
});
var elapsed = DateTime.UtcNow - started;

// The victim signs in from home after the attack: is the victim locked out?
var victim = await PostOtp(Address(30, 1), Org(Victim));
stop.Cancel();
await legit;

// Deliveries trail acceptance by the broker's hop: wait until the mailbox stops growing.
var mailbox = Path.Combine(dataDirectory, DevMailbox.FileName);
var (sms, email) = (0, 0);
for (var quiet = 0; quiet < 10;)
{
    await Task.Delay(200);
    var lines = File.Exists(mailbox) ? await File.ReadAllLinesAsync(mailbox) : [];
    var nowSms = lines.Count(l => l.Contains("\"channel\":\"sms\"", StringComparison.Ordinal));
    var nowEmail = lines.Length - nowSms;
    quiet = (nowSms, nowEmail) == (sms, email) ? quiet + 1 : 0;
    (sms, email) = (nowSms, nowEmail);
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"# Attack: {scenario}");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Machine load (1-minute average) at the end: {MachineLoad.OneMinuteAverage()}; {Environment.ProcessorCount} cores.");
report.AppendLine();
report.Append(CultureInfo.InvariantCulture, $"Attacker: {addresses} source address(es) × {perAddress} requests = {addresses * perAddress} `POST /otp` in {elapsed.TotalSeconds:F1} s ");
report.Append(CultureInfo.InvariantCulture, $"({addresses * perAddress / elapsed.TotalSeconds:F0}/s), {concurrency} in flight; ");
report.AppendLine(scenario is "pumping" or "flood" ? "every request a distinct Indonesian mobile number." : $"every request for the victim `{Victim}`.");
report.AppendLine();
report.AppendLine("| attacker's answers | count |");
report.AppendLine("|---|---|");
foreach (var (outcome, count) in attack.OrderBy(p => p.Key, StringComparer.Ordinal))
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {outcome} | {count} |");
}

report.AppendLine();
report.AppendLine("| legitimate users (one request each, own address, during the attack) | count |");
report.AppendLine("|---|---|");
foreach (var (outcome, count) in legitimate.OrderBy(p => p.Key, StringComparer.Ordinal))
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {outcome} | {count} |");
}

report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Victim `{Victim}` signing in from its own address after the attack: **{victim.Status}** {victim.Type}");
report.AppendLine();
report.Append(CultureInfo.InvariantCulture, $"Deliveries (dev mailbox): **{sms} SMS** (budget {smsBudget} per hour), {email} e-mails. ");
report.AppendLine(CultureInfo.InvariantCulture, $"SMS within budget: **{(sms <= smsBudget ? "yes" : "NO")}**.");
report.AppendLine();
report.Append(CultureInfo.InvariantCulture, $"Most an attacker can make the owner pay at these settings: {smsBudget} SMS per hour × US${smsPrice:F2} (assumed price per SMS) ");
report.AppendLine(CultureInfo.InvariantCulture, $"= **US${smsBudget * smsPrice:F0} per hour**, US${smsBudget * smsPrice * 24:F0} per day, whatever the number of addresses.");
var text = report.ToString();
Console.Write(text);
if (options.Value("--out") is { } output)
{
    await File.WriteAllTextAsync(output, text);
}

foreach (var client in clients.Values)
{
    client.Dispose();
}
