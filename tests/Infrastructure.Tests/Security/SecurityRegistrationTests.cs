using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.Infrastructure.Tests.Security;

public sealed class SecurityRegistrationTests
{
    [Test]
    public async Task Local_security_serves_issuer_validator_and_jwks_from_one_instance()
    {
        using var directory = new TemporaryDataDirectory();
        await using var provider = new ServiceCollection()
            .AddLocalSecurity(directory.Path, "cleancqrs", TimeSpan.FromHours(1))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var issuer = provider.GetRequiredService<ITokenIssuer>();

        Assert.Multiple(() =>
        {
            Assert.That(issuer, Is.InstanceOf<JwtTokenService>());
            Assert.That(provider.GetRequiredService<ITokenValidator>(), Is.SameAs(issuer));
            Assert.That(provider.GetRequiredService<IJwksSource>(), Is.SameAs(issuer));
            Assert.That(provider.GetRequiredService<IOtpCodes>(), Is.InstanceOf<HmacOtpCodes>());
            Assert.That(Directory.GetFiles(directory.Path), Is.Empty, "keys are read on first use");
        });

        var token = await issuer.IssueAsync(new TokenClaims("s", "org", "SG"), CancellationToken.None);
        var code = await provider.GetRequiredService<IOtpCodes>().DeriveAsync("0123456789abcdef0123456789abcdef", CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(token.ExpiresInSeconds, Is.EqualTo(3600));
            Assert.That(await provider.GetRequiredService<ITokenValidator>().ValidateAsync(token.Token, CancellationToken.None), Is.Not.Null);
            Assert.That(code, Has.Length.EqualTo(6));
            Assert.That(File.Exists(directory.File(LocalRsaSigningKey.FileName)), Is.True);
            Assert.That(File.Exists(directory.File(LocalOtpSecret.FileName)), Is.True);
        });
    }
}
