using CleanCqrs.Application.Common.Ports;

namespace CleanCqrs.Application.Common.Guards;

/// <summary>The sliding-window arithmetic every <see cref="IRateLimiter"/> adapter shares: which limit is full, and for how long.</summary>
public static class SlidingWindows
{
    /// <summary>
    /// The first limit (in the order given) whose key already holds <see cref="RateLimit.Limit"/>
    /// acquisitions younger than its window, with the longest wait among all the full ones.
    /// </summary>
    /// <param name="hits">Per key, the acquisition times in ticks, oldest first.</param>
    public static (RateLimit Limit, TimeSpan Wait)? FirstFull(
        IReadOnlyList<RateLimit> limits, IReadOnlyDictionary<string, List<long>> hits, long nowTicks)
    {
        RateLimit? first = null;
        var longest = TimeSpan.Zero;
        foreach (var limit in limits)
        {
            if (Wait(limit, hits.GetValueOrDefault(limit.Key) ?? [], nowTicks) is { } wait)
            {
                first ??= limit;
                longest = wait > longest ? wait : longest;
            }
        }

        return first is null ? null : (first, longest);
    }

    /// <summary>Null when the limit has room now; otherwise how long until it will.</summary>
    public static TimeSpan? Wait(RateLimit limit, IReadOnlyList<long> times, long nowTicks)
    {
        if (limit.Limit <= 0)
        {
            return limit.Window;
        }

        var since = nowTicks - limit.Window.Ticks;
        var firstInWindow = 0;
        while (firstInWindow < times.Count && times[firstInWindow] <= since)
        {
            firstInWindow++;
        }

        var inWindow = times.Count - firstInWindow;
        if (inWindow < limit.Limit)
        {
            return null;
        }

        // Room comes when all but limit - 1 of them have left the window.
        var mustLeave = times[firstInWindow + inWindow - limit.Limit];
        return TimeSpan.FromTicks(Math.Max(1, mustLeave + limit.Window.Ticks - nowTicks));
    }
}
