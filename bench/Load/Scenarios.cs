using System.Globalization;
using System.Security.Cryptography;

namespace CleanCqrs.Bench.Load;

/// <summary>What each virtual user does, over and over, once set up.</summary>
internal interface IScenario
{
    string Name { get; }

    string Describe { get; }

    Task SetupAsync(CancellationToken cancellationToken);

    /// <summary>One request for <paramref name="user"/>; returns the HTTP status.</summary>
    Task<int> StepAsync(int user, CancellationToken cancellationToken);
}

/// <summary>An org owned by one virtual user; <see cref="Version"/> is the highest version a write was acknowledged with.</summary>
internal sealed class VirtualOrg(string id, string token, long version)
{
    private long _version = version;

    public string Id { get; } = id;

    public string Token { get; } = token;

    public long Version => Interlocked.Read(ref _version);

    public int Writes { get; set; }

    public void Acknowledged(long newVersion)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _version);
        }
        while (newVersion > seen && Interlocked.CompareExchange(ref _version, newVersion, seen) != seen);
    }
}

/// <summary>
/// Each user signs in as an org (OTP through the dev mailbox), creates its org, then replaces it with
/// <c>PUT /orgs/{id}</c> without <c>If-Match</c>. Users never share an org, so the numbers measure the
/// write path, not contention.
/// </summary>
internal sealed class OrgsScenario(ServiceClient client, string dataDirectory, int users) : IScenario
{
    private readonly string _runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private VirtualOrg[] _orgs = [];

    public string Name => "orgs";

    public string Describe => "each user owns one org (created in setup through the OTP flow) and loops `PUT /orgs/{id}` without `If-Match`";

    public IReadOnlyList<VirtualOrg> Orgs => _orgs;

    public async Task SetupAsync(CancellationToken cancellationToken)
    {
        _orgs = await Task.WhenAll(Enumerable.Range(0, users).Select(u => SignUpAsync(u, cancellationToken)));
    }

    public async Task<int> StepAsync(int user, CancellationToken cancellationToken)
    {
        var org = _orgs[user];
        var n = ++org.Writes;
        var body = JsonBody.Of(
            ("name", string.Create(CultureInfo.InvariantCulture, $"Acme {user} rev {n}")),
            ("location", "Jakarta"),
            ("description", string.Create(CultureInfo.InvariantCulture, $"Load test update {n}.")));
        var reply = await client.SendAsync(HttpMethod.Put, "/orgs/" + org.Id, body, org.Token, cancellationToken);
        if (reply.Status == 200 && JsonBody.ReadInt64(reply.Body, "version") is { } version)
        {
            org.Acknowledged(version);
        }

        return reply.Status;
    }

    private async Task<VirtualOrg> SignUpAsync(int user, CancellationToken cancellationToken)
    {
        var primary = string.Create(CultureInfo.InvariantCulture, $"load-{_runId}-{user}@example.com");
        var token = await OtpSignIn.TokenAsync(client, dataDirectory, primary, "org", cancellationToken);
        var created = await client.SendAsync(HttpMethod.Post, "/orgs",
            JsonBody.Of(("name", string.Create(CultureInfo.InvariantCulture, $"Acme {user}")), ("location", "Jakarta")), token, cancellationToken);
        return created.Status == 201
               && JsonBody.ReadString(created.Body, "id") is { } id
               && JsonBody.ReadInt64(created.Body, "version") is { } version
            ? new VirtualOrg(id, token, version)
            : throw new SetupException($"POST /orgs answered {created.Status}: {created.Body}");
    }
}

/// <summary>
/// <c>POST /otp</c> for a new worker phone number each time. Numbers are Indonesian mobiles
/// (+62 812 and eight digits) counting up from a random start, so no number repeats within a run and
/// the per-number rate limit (one per 30 s, five per hour) is never what is measured.
/// </summary>
internal sealed class OtpScenario(ServiceClient client) : IScenario
{
    private const long Numbers = 100_000_000;
    private readonly long _start = RandomNumberGenerator.GetInt32(int.MaxValue) % Numbers;
    private long _issued;

    public string Name => "otp";

    public string Describe => "`POST /otp` with a distinct Indonesian mobile number (+62812xxxxxxxx) per request";

    public Task SetupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> StepAsync(int user, CancellationToken cancellationToken)
    {
        var n = (_start + Interlocked.Increment(ref _issued)) % Numbers;
        var body = JsonBody.Of(("primary", "+62812" + n.ToString("D8", CultureInfo.InvariantCulture)), ("role", "worker"), ("country", "ID"));
        var reply = await client.SendAsync(HttpMethod.Post, "/otp", body, null, cancellationToken);
        return reply.Status;
    }
}

/// <summary>Sign-in as a client does it: request an OTP, read the code from the dev mailbox, verify.</summary>
internal static class OtpSignIn
{
    public static async Task<string> TokenAsync(ServiceClient client, string dataDirectory, string primary, string role, CancellationToken cancellationToken)
    {
        var requested = await client.SendAsync(HttpMethod.Post, "/otp",
            JsonBody.Of(("primary", primary), ("role", role), ("country", "ID")), null, cancellationToken);
        var otpId = requested.Status == 202 && JsonBody.ReadString(requested.Body, "otpId") is { } id
            ? id
            : throw new SetupException($"POST /otp for {primary} answered {requested.Status}: {requested.Body}");
        var code = await DevMailbox.WaitForCodeAsync(dataDirectory, otpId, TimeSpan.FromSeconds(15), cancellationToken);
        var verified = await client.SendAsync(HttpMethod.Post, "/otp/verify",
            JsonBody.Of(("primary", primary), ("role", role), ("country", "ID"), ("otpId", otpId), ("code", code)), null, cancellationToken);
        return verified.Status == 200 && JsonBody.ReadString(verified.Body, "token") is { } token
            ? token
            : throw new SetupException($"POST /otp/verify for {primary} answered {verified.Status}: {verified.Body}");
    }
}

/// <summary>The service did not let the run get going; the message says what it answered.</summary>
internal sealed class SetupException(string message) : Exception(message);
