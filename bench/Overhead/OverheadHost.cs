using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CleanCqrs.Application.Common;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.Bench.InProcess;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.LambdaHost;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.LambdaHost.Lambda.Events;
using CleanCqrs.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Bench.Overhead;

/// <summary>
/// The production composition (<see cref="Composition.BuildServiceProvider(ServiceSettings, LogFormat, Action{IServiceCollection})"/>)
/// with in-memory stores and a broker that keeps nothing, but the real token service (RS256, key file
/// in a temporary data directory): what an invocation costs in the host and the pipeline alone.
/// </summary>
public sealed class OverheadHost : IDisposable
{
    public const string OrgId = "0193f4a2-7c1e-7b3a-9d2e-5f6a7b8c9d0e";
    public const string ProfileJson = """{"name":"Acme Logistics","location":"Jakarta","description":"Warehousing and last-mile delivery in Greater Jakarta."}""";

    private readonly string _dataDirectory;
    private readonly ServiceProvider _services;

    private OverheadHost(
        string dataDirectory, InMemoryEventStore store, InMemoryReadModelStore<OrgReadModel> orgs, NoOpCommitPublisher publisher, ServiceProvider services)
    {
        _dataDirectory = dataDirectory;
        _services = services;
        Store = store;
        Orgs = orgs;
        Publisher = publisher;
        Function = services.GetRequiredService<Function>();
        Tokens = services.GetRequiredService<ITokenValidator>();
    }

    public InMemoryEventStore Store { get; }

    public InMemoryReadModelStore<OrgReadModel> Orgs { get; }

    public NoOpCommitPublisher Publisher { get; }

    public Function Function { get; }

    public IServiceProvider Services => _services;

    public ITokenValidator Tokens { get; }

    public InvocationContext Context { get; } = new("bench-invocation", DateTimeOffset.MaxValue);

    public string Token { get; private set; } = string.Empty;

    /// <summary>The token's public key as the validator holds it, and the token's signed part and signature.</summary>
    public JwtPublicKey PublicKey { get; private set; } = null!;

    public byte[] SigningInput { get; private set; } = [];

    public byte[] Signature { get; private set; } = [];

    /// <summary>The same public key imported once, for comparison with the validator's import per call.</summary>
    public RSA Rsa { get; private set; } = null!;

    public byte[] GetEvent { get; private set; } = [];

    public byte[] PutEvent { get; private set; } = [];

    /// <summary>What the function answered to <see cref="GetEvent"/> and <see cref="PutEvent"/>, as the response contract.</summary>
    public HttpApiResponse GetResponse { get; private set; } = new();

    public HttpApiResponse PutResponse { get; private set; } = new();

    /// <summary>Builds the host, signs in as the org, creates it, projects it, and checks that GET and PUT answer 200.</summary>
    public static async Task<OverheadHost> StartAsync()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("cleancqrs-overhead-").FullName;
        var settings = new ServiceSettings { DataDirectory = dataDirectory };
        var store = new InMemoryEventStore();
        var orgs = new InMemoryReadModelStore<OrgReadModel>();
        var publisher = new NoOpCommitPublisher();
        var services = Composition.BuildServiceProvider(settings, LogFormat.None, s =>
        {
            s.AddSingleton<IEventStore>(store);
            s.AddSingleton<IReadModelStore<OrgReadModel>>(orgs);
            s.AddSingleton<ICommitPublisher>(publisher);
            s.AddLocalSecurity(dataDirectory, settings.TokenIssuer, settings.TokenLifetime);
            s.AddDevMailbox(dataDirectory);
            s.AddInMemoryGuards();
        });
        var host = new OverheadHost(dataDirectory, store, orgs, publisher, services);
        await host.SeedAsync();
        return host;
    }

    public void Dispose()
    {
        Rsa?.Dispose();
        _services.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }

    private async Task SeedAsync()
    {
        var issued = await _services.GetRequiredService<ITokenIssuer>()
            .IssueAsync(new TokenClaims(OrgId, Roles.Org, "ID"), CancellationToken.None);
        Token = issued.Token;
        PublicKey = await _services.GetRequiredService<IJwtSigningKey>().GetPublicKeyAsync(CancellationToken.None);
        var lastDot = Token.LastIndexOf('.');
        SigningInput = Encoding.ASCII.GetBytes(Token[..lastDot]);
        Signature = Base64Url.DecodeFromChars(Token.AsSpan(lastDot + 1));
        Rsa = RSA.Create(PublicKey.Parameters);
        var path = "/orgs/" + OrgId;

        var created = await InvokeAsync(HttpApiEvents.Post("/orgs", Token, ProfileJson));
        Expect(created, 201, "POST /orgs");

        // The read model as the projection would leave it, so the GET answers 200 with the org.
        var latest = Store.Commits("org-" + OrgId)[^1].Events[^1];
        await Orgs.TryPutAsync(
            new OrgReadModel(OrgId, "Acme Logistics", "Jakarta", "Warehousing and last-mile delivery in Greater Jakarta.", latest.Version, latest.OccurredAt),
            0,
            CancellationToken.None);

        GetEvent = HttpApiEvents.Get(path);
        PutEvent = HttpApiEvents.Put(path, Token, ProfileJson);
        GetResponse = Expect(await InvokeAsync(GetEvent), 200, "GET " + path);
        PutResponse = Expect(await InvokeAsync(PutEvent), 200, "PUT " + path);
    }

    private async Task<HttpApiResponse> InvokeAsync(byte[] @event) =>
        JsonSerializer.Deserialize(await Function.HandleAsync(@event, Context, CancellationToken.None), LambdaJson.Context.HttpApiResponse)
        ?? throw new InvalidOperationException("The function answered null.");

    private static HttpApiResponse Expect(HttpApiResponse response, int status, string what) =>
        response.StatusCode == status
            ? response
            : throw new InvalidOperationException($"{what} answered {response.StatusCode}, not {status}: {response.Body}");
}
