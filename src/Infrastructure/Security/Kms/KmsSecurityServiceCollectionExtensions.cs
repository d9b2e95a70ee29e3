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
    /// is fetched here: the public key is asked for on first use (see <see cref="KmsJwtSigningKey"/>).
    /// An <see cref="IAmazonKeyManagementService"/> registered earlier is used instead of a new client.
    /// </summary>
    public static IServiceCollection AddKmsSecurity(
        this IServiceCollection services, KmsSettings settings, string issuer, TimeSpan tokenLifetime)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new JwtOptions(issuer, tokenLifetime));
        services.TryAddSingleton(_ => settings.CreateClient());
        services.AddSingleton<IJwtSigningKey>(sp =>
            new KmsJwtSigningKey(sp.GetRequiredService<IAmazonKeyManagementService>(), settings.JwtKeyId));
        services.AddSingleton<IOtpSecret>(sp =>
            new KmsOtpSecret(sp.GetRequiredService<IAmazonKeyManagementService>(), settings.OtpKeyId));
        services.AddSingleton<IOtpCodes>(sp => new HmacOtpCodes(sp.GetRequiredService<IOtpSecret>()));
        // The endpoint rules and the credential chain at init, not in the first token or code request.
        services.AddSingleton<IStartupWarmup>(sp => new AwsClientWarmup(
            () => sp.GetRequiredService<IAmazonKeyManagementService>().DetermineServiceOperationEndpoint(
                new Amazon.KeyManagementService.Model.SignRequest { KeyId = settings.JwtKeyId }),
            resolveCredentials: !settings.UseLocalCredentials && AwsClientSettings.HasConfiguredCredentials(new SettingsReader())));
        services.AddSingleton(sp => new KeyedSubjectIds(SubjectKeys.DerivedFrom(sp.GetRequiredService<IOtpSecret>())));
        services.AddSingleton<ISubjectIds>(sp => sp.GetRequiredService<KeyedSubjectIds>());
        // Decision 0020: the subject key's one GenerateMac runs during init, not in the first sign-in.
        services.AddSingleton<IStartupWarmup>(sp => new SubjectKeyWarmup(sp.GetRequiredService<KeyedSubjectIds>()));
        return services.AddTokenService();
    }
}
