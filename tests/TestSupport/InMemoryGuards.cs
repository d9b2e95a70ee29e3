using CleanCqrs.Application.Common.Guards;
using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Common.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.TestSupport;

/// <summary>Sliding-window counters in memory, exact under concurrency (one lock); run through the same contract as SQLite and DynamoDB.</summary>
public sealed class InMemoryRateLimiter : IRateLimiter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<(long At, string Reservation)>> _hits = new(StringComparer.Ordinal);

    public ValueTask<RateDecision> TryAcquireAsync(IReadOnlyList<RateLimit> limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var times = new Dictionary<string, List<long>>(StringComparer.Ordinal);
            foreach (var key in limits.Select(l => l.Key).Distinct(StringComparer.Ordinal))
            {
                var longest = limits.Where(l => l.Key == key).Max(l => l.Window);
                var hits = _hits.TryGetValue(key, out var existing) ? existing : _hits[key] = [];
                hits.RemoveAll(h => h.At <= now.UtcTicks - longest.Ticks);
                times[key] = [.. hits.Select(h => h.At).Order()];
            }

            if (SlidingWindows.FirstFull(limits, times, now.UtcTicks) is { } refusal)
            {
                return ValueTask.FromResult(RateDecision.Refuse(refusal.Limit, refusal.Wait));
            }

            var reservation = Guid.NewGuid().ToString("N");
            foreach (var key in times.Keys)
            {
                _hits[key].Add((now.UtcTicks, reservation));
            }

            return ValueTask.FromResult(RateDecision.Accept(new RateReservation(reservation, [.. times.Keys])));
        }
    }

    public ValueTask ReleaseAsync(RateReservation reservation, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var key in reservation.Holds)
            {
                if (_hits.TryGetValue(key, out var hits))
                {
                    hits.RemoveAll(h => h.Reservation == reservation.Id);
                }
            }
        }

        return ValueTask.CompletedTask;
    }
}

public sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Claim, DateTimeOffset ExpiresAt, IdempotencyRecord Record)> _records = new(StringComparer.Ordinal);

    public ValueTask<IdempotencyClaim> TryClaimAsync(string key, string fingerprint, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_records.TryGetValue(key, out var held) && held.ExpiresAt > now
                && (held.Record.IsComplete || held.Record.LeaseUntil > now))
            {
                return ValueTask.FromResult(new IdempotencyClaim(null, held.Record));
            }

            var claim = Guid.NewGuid().ToString("N");
            _records[key] = (claim, now + lease, new IdempotencyRecord(fingerprint, null, now + lease));
            return ValueTask.FromResult(new IdempotencyClaim(claim, null));
        }
    }

    public ValueTask CompleteAsync(string key, string claimId, IdempotentResponse response, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_records.TryGetValue(key, out var held) && held.Claim == claimId && !held.Record.IsComplete)
            {
                _records[key] = (claimId, expiresAt, held.Record with { Response = response, LeaseUntil = DateTimeOffset.MinValue });
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(string key, string claimId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_records.TryGetValue(key, out var held) && held.Claim == claimId && !held.Record.IsComplete)
            {
                _records.Remove(key);
            }
        }

        return ValueTask.CompletedTask;
    }
}

public sealed class InMemoryEffectClaims : IEffectClaims
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), DateTimeOffset> _claims = [];

    public ValueTask<bool> TryClaimAsync(string effect, string eventId, DateTimeOffset now, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_claims.TryGetValue((effect, eventId), out var until) && until > now)
            {
                return ValueTask.FromResult(false);
            }

            _claims[(effect, eventId)] = keepUntil;
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask ReleaseAsync(string effect, string eventId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _claims.Remove((effect, eventId));
        }

        return ValueTask.CompletedTask;
    }
}

public static class InMemoryGuardsRegistration
{
    /// <summary>A subject key for tests: fixed, so ids are stable across hosts of one test run.</summary>
    public static readonly byte[] TestSubjectKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    /// <summary>The in-memory guards (counters, idempotency records, effect claims) and keyed subject ids.</summary>
    public static IServiceCollection AddInMemoryGuards(this IServiceCollection services)
    {
        services.AddSingleton<IRateLimiter>(new InMemoryRateLimiter());
        services.AddSingleton<IIdempotencyStore>(new InMemoryIdempotencyStore());
        services.AddSingleton<IEffectClaims>(new InMemoryEffectClaims());
        services.AddSingleton<ISubjectIds>(new KeyedSubjectIds(_ => ValueTask.FromResult(TestSubjectKey)));
        return services;
    }
}
