using System.Security.Cryptography;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CleanCqrs.LambdaHost.Lambda.Events;

namespace CleanCqrs.Bench.Overhead;

/// <summary>
/// One invocation of the function against its floor: the JSON work no host can avoid (reading the
/// event into the HTTP API contract, writing the same response), per route.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OverheadBenchmarks : IDisposable
{
    public const string Get = "GET /orgs/{id}";
    public const string Put = "PUT /orgs/{id}";
    public const string Parts = "parts of PUT";

    private OverheadHost? _host;

    private OverheadHost Host => _host ?? throw new InvalidOperationException("GlobalSetup has not run.");

    [GlobalSetup]
    public void Setup() => _host = OverheadHost.StartAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    [Benchmark(Baseline = true, Description = "floor: event in, response out")]
    [BenchmarkCategory(Get)]
    public byte[] GetFloor() => Floor(Host.GetEvent, Host.GetResponse);

    [Benchmark(Description = "Function.HandleAsync")]
    [BenchmarkCategory(Get)]
    public ValueTask<byte[]> GetOrg() => Host.Function.HandleAsync(Host.GetEvent, Host.Context, CancellationToken.None);

    [Benchmark(Baseline = true, Description = "floor: event in, response out")]
    [BenchmarkCategory(Put)]
    public byte[] PutFloor() => Floor(Host.PutEvent, Host.PutResponse);

    [Benchmark(Description = "Function.HandleAsync")]
    [BenchmarkCategory(Put)]
    public ValueTask<byte[]> PutOrg() => Host.Function.HandleAsync(Host.PutEvent, Host.Context, CancellationToken.None);

    /// <summary>The RS256 check of the bearer token alone, the part of a PUT that no JSON floor has.</summary>
    [Benchmark(Baseline = true, Description = "JwtTokenService.ValidateAsync (remembered token)")]
    [BenchmarkCategory(Parts)]
    public ValueTask<Application.Common.Ports.TokenClaims?> ValidateToken() => Host.Tokens.ValidateAsync(Host.Token, CancellationToken.None);

    /// <summary>The signature check as <c>JwtPublicKey.Verify</c> does it: a fresh RSA instance with the key imported, per call.</summary>
    [Benchmark(Description = "JwtPublicKey.Verify (pooled imported key)")]
    [BenchmarkCategory(Parts)]
    public bool VerifyImportingKey() => Host.PublicKey.Verify(Host.SigningInput, Host.Signature);

    /// <summary>The same check on one RSA instance that imported the key once.</summary>
    [Benchmark(Description = "RSA.VerifyData on a key imported once")]
    [BenchmarkCategory(Parts)]
    public bool VerifyWithImportedKey() => Host.Rsa.VerifyData(Host.SigningInput, Host.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _host?.Dispose();
            _host = null;
        }
    }

    private static byte[] Floor(byte[] @event, HttpApiResponse response)
    {
        var request = JsonSerializer.Deserialize(@event, LambdaJson.Context.HttpApiRequest);
        GC.KeepAlive(request);
        return JsonSerializer.SerializeToUtf8Bytes(response, LambdaJson.Context.HttpApiResponse);
    }
}
