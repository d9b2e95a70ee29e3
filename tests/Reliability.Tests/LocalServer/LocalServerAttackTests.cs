using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.Reliability.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanCqrs.Reliability.Tests.LocalServer;

/// <summary>
/// The attacks of issue 12 on local mode's HTTP server (SPEC 5.4: as robust as the Lambda edge),
/// each on loopback with bounded counts and deadlines, and each ending with the process's open
/// sockets back at their baseline. The server runs in this process, so <c>/proc/self/fd</c>
/// counts its sockets; the timeouts are shortened (<see cref="Limits"/>) to keep each test to seconds.
/// </summary>
[NonParallelizable]
public sealed class LocalServerAttackTests
{
    private static readonly LocalServerLimits Limits = LocalServerLimits.Default with
    {
        RequestHeadersTimeout = TimeSpan.FromSeconds(2),
        BodyTimeout = TimeSpan.FromSeconds(2),
        KeepAliveTimeout = TimeSpan.FromSeconds(2),
        MinRateGracePeriod = TimeSpan.FromSeconds(2),
    };

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    private ServiceHarness _harness = null!;
    private LocalHttpServer _server = null!;
    private CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private int _baselineSockets;

    [SetUp]
    public async Task StartServer()
    {
        _harness = await ServiceHarness.StartAsync(new HarnessOptions { RunLocalMode = false });
        _server = new LocalHttpServer(
            new Uri("http://127.0.0.1:0"), _harness.Function, _harness.Provider.GetRequiredService<ILoggerFactory>(), limits: Limits);
        _stop = new CancellationTokenSource();
        _running = _server.RunAsync(_stop.Token);
        await WaitUntilServingAsync();
        _baselineSockets = OpenSockets();
    }

    [TearDown]
    public async Task StopServer()
    {
        await _stop.CancelAsync();
        await _running;
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _stop.Dispose();
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Test]
    public async Task Aborted_uploads_leave_no_socket_behind()
    {
        // Each client announces a body, sends one byte of it and hangs up.
        const int clients = 400;
        var head = Request($"POST /otp HTTP/1.1\nHost: {{HOST}}\nContent-Type: application/json\nContent-Length: 1000\n\n{{");
        for (var batch = 0; batch < clients / 50; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var socket = await RawHttp.ConnectAsync(_server.Url, timeout.Token);
                await socket.SendAsync(head, SocketFlags.None, timeout.Token);
                socket.Shutdown(SocketShutdown.Both);
            }));
        }

        await SocketsReturnToBaselineAsync();
        // Polled like the socket count: the process-wide count can reach its baseline while the server is
        // still closing these (other sockets of the process closed meanwhile), which failed one CI run.
        await Eventually.HoldsAsync(
            () =>
            {
                var closeWait = CloseWaitSockets(_server.Url.Port);
                return Task.FromResult(closeWait == 0 ? null : $"{closeWait} server sockets left in CLOSE-WAIT");
            },
            Settle,
            TimeSpan.FromMilliseconds(100));
        Assert.That(await JwksStatusAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(200), "the server still answers");
    }

    [Test]
    public async Task Stalled_uploads_neither_take_every_slot_nor_stay()
    {
        // More stalled uploads than the old server had request slots (256).
        const int stalled = 300;
        var head = Request($"POST /otp HTTP/1.1\nHost: {{HOST}}\nContent-Type: application/json\nContent-Length: 1000\n\n{{");
        var sockets = new List<Socket>();
        try
        {
            using (var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                for (var i = 0; i < stalled; i++)
                {
                    var socket = await RawHttp.ConnectAsync(_server.Url, connecting.Token);
                    sockets.Add(socket);
                    await socket.SendAsync(head, SocketFlags.None, connecting.Token);
                }
            }

            Assert.That(await JwksStatusAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(200), "a normal request is served while uploads stall");

            // Each stalled upload is cut off with a 408 problem once the body timeout passes.
            using var answering = new CancellationTokenSource(Settle);
            var answers = await Task.WhenAll(sockets.Select(s => RawHttp.ReadToEndAsync(s, answering.Token)));
            foreach (var answer in answers.Select(RawHttp.Parse))
            {
                Assert.That(answer, Has.Count.EqualTo(1), "one answer per stalled upload");
                Assert.That(answer[0].Status, Is.EqualTo(408), answer[0].ToString());
                AssertProblem(answer[0]);
            }
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        await SocketsReturnToBaselineAsync();
    }

    [Test]
    public async Task Concurrent_large_bodies_are_refused_before_they_are_read()
    {
        const int clients = 64;
        const int bodyBytes = 6 * 1024 * 1024;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var answers = await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var socket = await RawHttp.ConnectAsync(_server.Url, timeout.Token);
            await socket.SendAsync(
                Request($"POST /otp HTTP/1.1\nHost: {{HOST}}\nContent-Type: application/json\nContent-Length: {bodyBytes}\n\n"),
                SocketFlags.None,
                timeout.Token);
            var reading = RawHttp.ReadToEndAsync(socket, timeout.Token);
            try
            {
                for (var sent = 0; sent < bodyBytes && !reading.IsCompleted; sent += chunk.Length)
                {
                    await socket.SendAsync(chunk, SocketFlags.None, timeout.Token);
                }
            }
            catch (SocketException)
            {
                // The server may close before the whole body is sent: it has already answered.
            }

            return RawHttp.Parse(await reading);
        }));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        foreach (var answer in answers)
        {
            Assert.That(answer, Has.Count.EqualTo(1));
            Assert.That(answer[0].Status, Is.EqualTo(413), answer[0].ToString());
            AssertProblem(answer[0]);
        }

        // 384 MiB were offered. Reading them would allocate at least that much (the old server took
        // several times as much); refusing them by their declared length allocates only what draining
        // the rest of each upload through Kestrel's pooled buffers costs.
        Assert.That(allocated, Is.LessThan(128L * 1024 * 1024), $"bytes allocated while refusing {clients} bodies of {bodyBytes}");
        await SocketsReturnToBaselineAsync();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.That(memoryAfter - memoryBefore, Is.LessThan(16L * 1024 * 1024), "managed memory back to its baseline");
    }

    [Test]
    public async Task A_chunked_body_over_the_limit_is_refused_once_it_passes_it()
    {
        var request = new StringBuilder("POST /otp HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        var chunk = new string('a', 16 * 1024);
        for (var i = 0; i < 8; i++)
        {
            request.Append("4000\r\n").Append(chunk).Append("\r\n");
        }

        request.Append("0\r\n\r\n");

        var answer = RawHttp.Parse(await RawHttp.ExchangeAsync(_server.Url, Request(request.ToString()), TimeSpan.FromSeconds(15)));

        Assert.That(answer, Has.Count.EqualTo(1));
        Assert.That(answer[0].Status, Is.EqualTo(413), answer[0].ToString());
        AssertProblem(answer[0]);
        await SocketsReturnToBaselineAsync();
    }

    [TestCase(true, TestName = "A bad then a good Authorization header is a 401")]
    [TestCase(false, TestName = "A good then a bad Authorization header is a 401")]
    public async Task Repeated_authorization_headers_are_a_401(bool badFirst)
    {
        var good = "Bearer " + await _harness.TokenAsync("repeated-auth");
        const string bad = "Bearer not-a-token";
        var (first, second) = badFirst ? (bad, good) : (good, bad);
        var body = """{"name":"Acme","location":"Jakarta"}""";
        var request = Request(
            $"POST /orgs HTTP/1.1\nHost: {{HOST}}\nAuthorization: {first}\nAuthorization: {second}\nContent-Type: application/json\n" +
            $"Content-Length: {body.Length}\nConnection: close\n\n{body}");

        var answer = RawHttp.Parse(await RawHttp.ExchangeAsync(_server.Url, request, TimeSpan.FromSeconds(15)));

        Assert.That(answer, Has.Count.EqualTo(1));
        Assert.That(answer[0].Status, Is.EqualTo(401), answer[0].ToString());
        AssertProblem(answer[0]);
        Assert.That(await _harness.ReadStreamAsync("org-repeated-auth"), Is.Empty, "nothing was created");
        await SocketsReturnToBaselineAsync();
    }

    [TestCase("GET / HTTP/1.1\nHost: {HOST}\nX-Big: {BIG}\n\n", 431, TestName = "Headers over 32 KiB: 431 problem")]
    [TestCase("GET /.well-known/jwks.json HTTP/1.1\nHost: a b\n\n", 400, TestName = "A bad Host: 400 problem")]
    [TestCase("GET /.well-known/jwks.json HTTP/1.1\n\n", 400, TestName = "No Host: 400 problem")]
    [TestCase("POST /otp HTTP/1.1\nHost: {HOST}\nContent-Type: application/json\nTransfer-Encoding: chunked\n\nzz\nabc\n0\n\n", 400, TestName = "Bad chunking: 400 problem")]
    [TestCase("PUT /orgs/x HTTP/1.0\nHost: {HOST}\n\n", 400, TestName = "PUT without a length (HTTP/1.0): 400 problem")]
    [TestCase("GET /.well-known/jwks.json HTTP/9.9\nHost: {HOST}\n\n", 505, TestName = "HTTP/9.9: 505 problem")]
    [TestCase("BREW /pot HTTP/1.1 extra\nHost: {HOST}\n\n", 400, TestName = "A malformed request line: 400 problem")]
    [TestCase("GET /.well-known/jwks.json HTTP/1.1\nHost: {HOST}\nContent-Length: 1\nContent-Length: 2\n\n", 400, TestName = "Two Content-Lengths: 400 problem")]
    public async Task Malformed_protocol_is_answered_with_problem_json(string request, int status)
    {
        var raw = Request(request.Replace("{BIG}", new string('a', 40 * 1024), StringComparison.Ordinal));

        var answer = RawHttp.Parse(await RawHttp.ExchangeAsync(_server.Url, raw, TimeSpan.FromSeconds(15)));

        Assert.That(answer, Has.Count.EqualTo(1), "one answer, then the connection closes");
        Assert.That(answer[0].Status, Is.EqualTo(status), answer[0].ToString());
        AssertProblem(answer[0]);
        Assert.That(answer[0].Header("X-Request-Id"), Is.Not.Null.And.Not.Empty);
        await SocketsReturnToBaselineAsync();
    }

    [Test]
    public async Task Headers_that_never_finish_are_cut_off_with_a_408_problem()
    {
        using var timeout = new CancellationTokenSource(Settle);
        using var socket = await RawHttp.ConnectAsync(_server.Url, timeout.Token);
        await socket.SendAsync(Request("GET /.well-known/jwks.json HTTP/1.1\nHost: {HOST}\n"), SocketFlags.None, timeout.Token);

        var answer = RawHttp.Parse(await RawHttp.ReadToEndAsync(socket, timeout.Token));

        Assert.That(answer, Has.Count.EqualTo(1));
        Assert.That(answer[0].Status, Is.EqualTo(408), answer[0].ToString());
        AssertProblem(answer[0]);
    }

    [Test]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        var otp = """{"primary":"pipeline@example.com","role":"org","country":"SG"}""";
        var request = Request(
            "GET /orgs/first HTTP/1.1\nHost: {HOST}\n\n" +
            $"POST /otp HTTP/1.1\nHost: {{HOST}}\nContent-Type: application/json\nContent-Length: {otp.Length}\n\n{otp}" +
            "GET /orgs/third HTTP/1.1\nHost: {HOST}\n\n" +
            "GET /.well-known/jwks.json HTTP/1.1\nHost: {HOST}\nConnection: close\n\n");

        var answers = RawHttp.Parse(await RawHttp.ExchangeAsync(_server.Url, request, TimeSpan.FromSeconds(15)));

        Assert.That(answers.Select(a => a.Status), Is.EqualTo(new[] { 404, 202, 404, 200 }), string.Join("\n", answers));
        Assert.That(answers[0].Body, Does.Contain("'first'"));
        Assert.That(JsonNode.Parse(answers[1].Body)!["channel"]!.GetValue<string>(), Is.EqualTo("email"));
        Assert.That(answers[2].Body, Does.Contain("'third'"));
        Assert.That(answers.Select(a => a.Header("X-Request-Id")).Distinct().Count(), Is.EqualTo(4), "each answer is its own request");
        await SocketsReturnToBaselineAsync();
    }

    [Test]
    public async Task Connections_beyond_the_limit_are_closed_and_idle_ones_do_not_hold_a_slot_for_long()
    {
        const int limit = 20;
        await using var bounded = new LocalHttpServer(
            new Uri("http://127.0.0.1:0"), _harness.Function, _harness.Provider.GetRequiredService<ILoggerFactory>(),
            limits: Limits with { MaxConnections = limit });
        await bounded.StartAsync(CancellationToken.None);
        var idle = new List<Socket>();
        try
        {
            using var timeout = new CancellationTokenSource(Settle);
            for (var i = 0; i < limit; i++)
            {
                idle.Add(await RawHttp.ConnectAsync(bounded.Url, timeout.Token));
            }

            // The TCP handshake completes in the kernel; the server closes what is over its limit at once.
            using var over = await RawHttp.ConnectAsync(bounded.Url, timeout.Token);
            byte[] overflow;
            try
            {
                await over.SendAsync(Request("GET /.well-known/jwks.json HTTP/1.1\nHost: {HOST}\nConnection: close\n\n"), SocketFlags.None, timeout.Token);
                overflow = await RawHttp.ReadToEndAsync(over, timeout.Token);
            }
            catch (SocketException)
            {
                overflow = []; // reset: closed before the request could be read
            }

            Assert.That(overflow, Is.Empty, "a connection over the limit is closed without its request being answered");

            // Connections that never send a request line are cut off by the header timeout (408), freeing their slots.
            var answers = await Task.WhenAll(idle.Select(s => RawHttp.ReadToEndAsync(s, timeout.Token)));
            Assert.That(answers.Select(a => RawHttp.Parse(a).SingleOrDefault()?.Status ?? 0), Has.All.EqualTo(408).Or.All.EqualTo(0));
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = await client.GetAsync(new Uri(bounded.Url, "/.well-known/jwks.json"));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), "slots are free again");
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }
    }

    /// <summary>The raw request with its line ends as CRLF and <c>{HOST}</c> naming the server as a client would (HttpListener routed by it).</summary>
    private byte[] Request(string text) => RawHttp.Ascii(text.Replace("{HOST}", _server.Url.Authority, StringComparison.Ordinal));

    private static void AssertProblem(RawResponse response)
    {
        Assert.That(response.Header("Content-Type"), Does.StartWith(ProblemCheck.MediaType), response.ToString());
        var problem = JsonNode.Parse(response.Body)!.AsObject();
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(response.Status), response.ToString());
        foreach (var member in new[] { "type", "title", "detail" })
        {
            Assert.That(problem[member]?.GetValue<string>(), Is.Not.Null.And.Not.Empty, $"'{member}' of {response}");
        }
    }

    private async Task<int> JwksStatusAsync(TimeSpan deadline)
    {
        using var client = new HttpClient { Timeout = deadline };
        try
        {
            using var response = await client.GetAsync(new Uri(_server.Url, "/.well-known/jwks.json"));
            return (int)response.StatusCode;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }

    private async Task WaitUntilServingAsync()
    {
        await Eventually.HoldsAsync(async () => await JwksStatusAsync(TimeSpan.FromSeconds(5)) == 200 ? null : "the server is not answering");
        // The first request's connection idles until the keep-alive timeout; baseline without it.
        await Eventually.HoldsAsync(
            () => Task.FromResult(EstablishedSockets(_server.Url.Port) == 0 ? null : "the probe's connection is still open"),
            Settle);
    }

    private async Task SocketsReturnToBaselineAsync() =>
        await Eventually.HoldsAsync(
            () =>
            {
                var open = OpenSockets();
                return Task.FromResult(open <= _baselineSockets + 2 ? null : $"{open} sockets open, {_baselineSockets} before the attack");
            },
            Settle,
            TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// The process's open sockets (<c>/proc/self/fd</c> entries linking to <c>socket:[inode]</c>); files
    /// the stores open lazily on a first write are not what an attack leaks.
    /// </summary>
    private static int OpenSockets() =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
            }
            catch (IOException)
            {
                return false; // closed while being looked at
            }
        });

    /// <summary>Sockets in CLOSE-WAIT on the server's port: the peer hung up and the server never closed its end.</summary>
    private static int CloseWaitSockets(int port) => SocketsInState(port, "08");

    private static int EstablishedSockets(int port) => SocketsInState(port, "01");

    private static int SocketsInState(int port, string state)
    {
        var local = $":{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields[1].EndsWith(local, StringComparison.Ordinal) && fields[3] == state);
    }
}
