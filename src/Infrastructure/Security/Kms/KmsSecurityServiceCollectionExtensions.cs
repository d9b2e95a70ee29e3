using Amazon.KeyManagementService;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Application.Common.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanCqrs.Infrastructure.Security.Kms;

public static class KmsSecurityServiceCollectionExtensions
{
    /// <summary>
    /// Tokens signed by the KMS key <see cref="KmsSettings.JwtKeyId"/> and OTP codes derived with the
    /// KMS HMAC key <see cref="KmsSettings.OtpKeyId"/>, through one KMS client for the process. Nothing
    /// is fetched here; init starts fetching the token key's public half and the subject key (decision 0020).
    /// An <see cref="IAmazonKeyManagementService"/> registered earlier is used instead of a new client.
    /// </summary>
    public static IServiceCollection AddKmsSecurity(
        this IServiceCollection services, KmsSettings settings, string issuer, TimeSpan tokenLifetime)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new JwtOptions(issuer, tokenLifetime));
        services.TryAddSingleton(_ => settings.CreateClient());
        services.AddSingleton(sp => new KmsJwtSigningKey(sp.GetRequiredService<IAmazonKeyManagementService>(), settings.JwtKeyId));
        services.AddSingleton<IJwtSigningKey>(sp => sp.GetRequiredService<KmsJwtSigningKey>());
        services.AddSingleton<IOtpSecret>(sp =>
            new KmsOtpSecret(sp.GetRequiredService<IAmazonKeyManagementService>(), settings.OtpKeyId));
        services.AddSingleton<IOtpCodes>(sp => new HmacOtpCodes(sp.GetRequiredService<IOtpSecret>()));
        // The endpoint rules and the credential chain at init, not in the first token or code request.
        services.AddSingleton<IStartupWarmup>(_ => new AwsClientWarmup(
            settings.WarmAsync,
            resolveCredentials: !settings.UseLocalCredentials && AwsClientSettings.HasConfiguredCredentials(new SettingsReader())));
        services.AddSingleton(sp => new KeyedSubjectIds(SubjectKeys.DerivedFrom(sp.GetRequiredService<IOtpSecret>())));
        services.AddSingleton<ISubjectIds>(sp => sp.GetRequiredService<KeyedSubjectIds>());
        // Decision 0020: the subject key's one GenerateMac and the token key's one GetPublicKey run
        // during init, not in the first sign-in or the first request with a token.
        services.AddSingleton<IStartupWarmup>(sp => new StartupPrefetch(sp.GetRequiredService<KeyedSubjectIds>().Prefetch));
        services.AddSingleton<IStartupWarmup>(sp => new StartupPrefetch(sp.GetRequiredService<KmsJwtSigningKey>().Prefetch));
        return services.AddTokenService();
    }
}
