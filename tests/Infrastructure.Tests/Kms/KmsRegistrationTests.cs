using Amazon.KeyManagementService;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Security;
using CleanCqrs.Infrastructure.Security.Kms;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Infrastructure.Tests.Kms;

public sealed class KmsRegistrationTests
{
    private FakeKms _kms = null!;

    [SetUp]
    public void Start() => _kms = new FakeKms();

    [TearDown]
    public void Stop() => _kms.Dispose();

    [Test]
    public async Task Kms_security_serves_tokens_jwks_and_codes_through_one_client()
    {
        await using var provider = new ServiceCollection()
            .AddKmsSecurity(_kms.Settings(), "cleancqrs", TimeSpan.FromHours(1))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var issuer = provider.GetRequiredService<ITokenIssuer>();

        Assert.Multiple(() =>
        {
            Assert.That(issuer, Is.InstanceOf<JwtTokenService>());
            Assert.That(provider.GetRequiredService<ITokenValidator>(), Is.SameAs(issuer));
            Assert.That(provider.GetRequiredService<IJwksSource>(), Is.SameAs(issuer));
            Assert.That(provider.GetRequiredService<IJwtSigningKey>(), Is.InstanceOf<KmsJwtSigningKey>());
            Assert.That(provider.GetRequiredService<IOtpSecret>(), Is.InstanceOf<KmsOtpSecret>());
            Assert.That(provider.GetRequiredService<IOtpCodes>(), Is.InstanceOf<HmacOtpCodes>());
            Assert.That(provider.GetRequiredService<IAmazonKeyManagementService>(), Is.InstanceOf<AmazonKeyManagementServiceClient>());
            Assert.That(_kms.Calls, Is.Empty, "nothing is fetched while the service graph is built");
        });

        var token = await issuer.IssueAsync(new TokenClaims("s", "org", "SG"), CancellationToken.None);
        var code = await provider.GetRequiredService<IOtpCodes>().DeriveAsync("0123456789abcdef0123456789abcdef", CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(token.ExpiresInSeconds, Is.EqualTo(3600));
            Assert.That(await provider.GetRequiredService<ITokenValidator>().ValidateAsync(token.Token, CancellationToken.None), Is.Not.Null);
            Assert.That(code, Does.Match("^[0-9]{6}$"));
            Assert.That(_kms.CallsTo("GenerateMac").Single().Text("KeyId"), Is.EqualTo(FakeKms.OtpKeyArn));
        });
    }

    [Test]
    public async Task A_client_registered_earlier_is_used()
    {
        using var client = _kms.CreateClient();
        await using var provider = new ServiceCollection()
            .AddSingleton(client)
            .AddKmsSecurity(new KmsSettings(FakeKms.JwtAlias, FakeKms.OtpKeyArn), "cleancqrs", TimeSpan.FromHours(1))
            .BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IAmazonKeyManagementService>(), Is.SameAs(client));
        Assert.That(await provider.GetRequiredService<IOtpCodes>().DeriveAsync("0123456789abcdef0123456789abcdef", CancellationToken.None), Has.Length.EqualTo(6));
    }
}
