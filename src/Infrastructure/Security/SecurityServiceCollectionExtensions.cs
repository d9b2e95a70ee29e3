using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanCqrs.Infrastructure.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Tokens signed with the local key file and OTP codes derived from the local OTP key, both in
    /// <paramref name="dataDirectory"/>. The key files are read on first use, not here (see
    /// <see cref="LocalRsaSigningKey"/>): a cold start only pays for the keys its first request needs.
    /// </summary>
    public static IServiceCollection AddLocalSecurity(
        this IServiceCollection services, string dataDirectory, string issuer, TimeSpan tokenLifetime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new JwtOptions(issuer, tokenLifetime));
        services.AddSingleton<IJwtSigningKey>(_ => new LocalRsaSigningKey(dataDirectory));
        services.AddSingleton<IOtpSecret>(_ => new LocalOtpSecret(dataDirectory));
        services.AddSingleton<IOtpCodes>(sp => new HmacOtpCodes(sp.GetRequiredService<IOtpSecret>()));
        services.AddSingleton<ISubjectIds>(_ => new KeyedSubjectIds(SubjectKeys.FromFile(dataDirectory)));
        return services.AddTokenService();
    }

    /// <summary>
    /// <see cref="JwtTokenService"/> over whatever <see cref="IJwtSigningKey"/> is registered, as one
    /// instance behind <see cref="ITokenIssuer"/>, <see cref="ITokenValidator"/> and <see cref="IJwksSource"/>.
    /// </summary>
    public static IServiceCollection AddTokenService(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Factories rather than constructor discovery: nothing for the container to reflect over at start.
        services.AddSingleton(sp => new JwtTokenService(
            sp.GetRequiredService<IJwtSigningKey>(), sp.GetRequiredService<JwtOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ITokenIssuer>(sp => sp.GetRequiredService<JwtTokenService>());
        services.AddSingleton<ITokenValidator>(sp => sp.GetRequiredService<JwtTokenService>());
        services.AddSingleton<IJwksSource>(sp => sp.GetRequiredService<JwtTokenService>());
        return services;
    }
}
