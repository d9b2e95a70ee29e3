using System.Diagnostics;
using System.Globalization;

namespace CleanCqrs.Bench.Load;

internal sealed record ProjectionResult(
    int Orgs, long EventsAppended, long EventsDuringLoad, long BacklogAtStop, TimeSpan CatchUp, TimeSpan LoadPhase, int NotCaughtUp);

/// <summary>
/// After the load stops: how far behind the org read models were, and how long until every org reads
/// back at the last version a write was acknowledged with. <c>GET /orgs/{id}?minVersion=N</c> answers
/// 202 <c>{version, minVersion}</c> while the read model is behind, so the first poll of each org also
/// tells its backlog.
/// </summary>
internal static class ProjectionMeter
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    public static async Task<ProjectionResult> MeasureAsync(
        ServiceClient client, IReadOnlyList<VirtualOrg> orgs, LoadResult load, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var targets = orgs.Select(o => o.Version).ToArray();
        var deadline = load.LoadEnded + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var polls = await Task.WhenAll(orgs.Select((o, i) => WaitForAsync(client, o.Id, targets[i], deadline, cancellationToken)));
        var lastCaughtUp = polls.Where(p => p.CaughtUpAt is not null).Select(p => p.CaughtUpAt!.Value).DefaultIfEmpty(load.LoadEnded).Max();

        return new ProjectionResult(
            orgs.Count,
            targets.Sum(),
            targets.Sum() - orgs.Count,
            polls.Sum(p => p.Backlog),
            Stopwatch.GetElapsedTime(load.LoadEnded, Math.Max(lastCaughtUp, load.LoadEnded)),
            Stopwatch.GetElapsedTime(load.LoadStarted, load.LoadEnded),
            polls.Count(p => p.CaughtUpAt is null));
    }

    /// <summary>
    /// Polls one org until it reads back at <paramref name="version"/>. The catch-up moment is when the
    /// first successful poll was sent (the read model was current by then), so an org that never lagged
    /// counts as caught up at once rather than one round trip late.
    /// </summary>
    private static async Task<(long Backlog, long? CaughtUpAt)> WaitForAsync(
        ServiceClient client, string id, long version, long deadline, CancellationToken cancellationToken)
    {
        var path = $"/orgs/{id}?minVersion={version.ToString(CultureInfo.InvariantCulture)}";
        long? backlog = null;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var sent = Stopwatch.GetTimestamp();
            var reply = await client.SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
            switch (reply.Status)
            {
                case 200 when JsonBody.ReadInt64(reply.Body, "version") >= version:
                    return (backlog ?? 0, sent);
                case 200:
                    throw new SetupException($"GET {path} answered 200 with an older version: {reply.Body}");
                case 202:
                    backlog ??= version - (JsonBody.ReadInt64(reply.Body, "version") ?? 0);
                    break;
                case 404:
                    backlog ??= version;
                    break;
                default:
                    throw new SetupException($"GET {path} answered {reply.Status}: {reply.Body}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return (backlog ?? version, null);
    }
}
