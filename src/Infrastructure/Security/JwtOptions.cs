namespace CleanCqrs.Infrastructure.Security;

/// <summary>What issued tokens say and how long they last.</summary>
public sealed record JwtOptions
{
    public const string DefaultIssuer = "cleancqrs";

    /// <summary>Longest token accepted for validation; issued tokens are a few hundred bytes.</summary>
    public const int MaxTokenLength = 8 * 1024;

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

    /// <summary>How far the clocks of issuer and verifier may disagree (SPEC: at most 30 s).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public JwtOptions(string issuer, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        if (lifetime < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A token lifetime is at least one second.");
        }

        Issuer = issuer;
        Lifetime = lifetime;
    }

    /// <summary>The <c>iss</c> claim written and required.</summary>
    public string Issuer { get; }

    /// <summary>From <c>iat</c> to <c>exp</c>, in whole seconds (a fraction is dropped).</summary>
    public TimeSpan Lifetime { get; }

    public long LifetimeSeconds => (long)Lifetime.TotalSeconds;
}
