using System.Collections.Concurrent;
using System.Globalization;

namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>One client write: create or replace an org, with a profile no other command sends.</summary>
public sealed record OrgCommand(int Index, string OrgId, bool IsCreate, OrgProfileText Profile)
{
    public ApiRequest ToRequest(string token) => IsCreate
        ? ApiRequest.PostJson("/orgs", Profile.ToJson(), token)
        : ApiRequest.PutJson($"/orgs/{OrgId}", Profile.ToJson(), token);

    public override string ToString() => $"#{Index} {(IsCreate ? "create" : "replace")} {OrgId} '{Profile.Name}'";
}

/// <summary>What the client saw: a status and version, or no response at all (the connection died).</summary>
public sealed record CommandOutcome(OrgCommand Command, int? Status, long? Version)
{
    public bool IsAcknowledged => Status is >= 200 and < 300;

    public bool IsRefused => Status is >= 400 and < 500;

    public bool IsInDoubt => Status is null or >= 500;
}

/// <summary>
/// A seeded mix of creates and replaces over many orgs, and the check that the store holds exactly
/// what the clients were told: every acknowledged write once at the version it was given, nothing
/// refused, nothing twice, nothing that no client sent.
/// </summary>
public static class CommandLedger
{
    /// <summary>
    /// <paramref name="count"/> commands over <paramref name="orgs"/> orgs: an org's first command
    /// creates it, later ones replace it, and now and then a create is repeated (a 409).
    /// </summary>
    public static IReadOnlyList<OrgCommand> Plan(int seed, int count, int orgs, string orgPrefix)
    {
        var random = new Random(seed);
        var created = new bool[orgs];
        var commands = new List<OrgCommand>(count);
        for (var i = 0; i < count; i++)
        {
            var org = random.Next(orgs);
            var isCreate = !created[org] || random.NextDouble() < 0.05;
            created[org] = true;
            var profile = new OrgProfileText(
                string.Create(CultureInfo.InvariantCulture, $"cmd-{i:D5}"),
                string.Create(CultureInfo.InvariantCulture, $"Location {random.Next(1000)}"),
                random.Next(3) == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"Written by command {i}\nseed {seed}"));
            commands.Add(new OrgCommand(i, string.Create(CultureInfo.InvariantCulture, $"{orgPrefix}-{org:D3}"), isCreate, profile));
        }

        return commands;
    }

    /// <summary>
    /// Runs <paramref name="commands"/> with <paramref name="parallelism"/> clients; commands of one
    /// org stay in order only by chance (a replace may overtake its create and get a 404).
    /// </summary>
    public static async Task<IReadOnlyList<CommandOutcome>> RunAsync(
        IReadOnlyList<OrgCommand> commands, int parallelism, Func<OrgCommand, Task<CommandOutcome>> send)
    {
        var outcomes = new ConcurrentBag<CommandOutcome>();
        await Parallel.ForEachAsync(
            commands,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (command, _) => outcomes.Add(await send(command)));
        return [.. outcomes.OrderBy(o => o.Command.Index)];
    }

    public static CommandOutcome Outcome(OrgCommand command, ApiResponse response) =>
        new(command, response.Status, response.Status is >= 200 and < 300 ? response.Json?["version"]?.GetValue<long>() : null);

    /// <summary>Everything the store holds that contradicts what the clients saw; empty when it agrees.</summary>
    public static List<string> Contradictions(
        IReadOnlyList<CommandOutcome> outcomes, IReadOnlyDictionary<string, IReadOnlyList<(long Version, OrgProfileText Profile)>> streams)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(streams);
        var problems = new List<string>();
        var stored = streams
            .SelectMany(s => s.Value.Select(e => (OrgId: s.Key, e.Version, e.Profile)))
            .GroupBy(e => e.Profile.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        foreach (var (orgId, events) in streams)
        {
            var versions = events.Select(e => e.Version).ToArray();
            if (!versions.SequenceEqual(Enumerable.Range(1, versions.Length).Select(v => (long)v)))
            {
                problems.Add($"{orgId}: versions are not 1..n: {string.Join(",", versions)}");
            }
        }

        var sent = outcomes.ToDictionary(o => o.Command.Profile.Name, StringComparer.Ordinal);
        foreach (var name in stored.Keys.Where(name => !sent.ContainsKey(name)))
        {
            problems.Add($"the store holds '{name}', which no client sent");
        }

        foreach (var outcome in outcomes)
        {
            var copies = stored.GetValueOrDefault(outcome.Command.Profile.Name) ?? [];
            if (copies.Count > 1)
            {
                problems.Add($"{outcome.Command} is stored {copies.Count} times: {string.Join(", ", copies.Select(c => $"{c.OrgId}@{c.Version}"))}");
            }
            else if (outcome.IsAcknowledged && (copies.Count == 0 || copies[0].OrgId != outcome.Command.OrgId || copies[0].Version != outcome.Version))
            {
                problems.Add($"{outcome.Command} was acknowledged ({outcome.Status}, version {outcome.Version}) but the store has {(copies.Count == 0 ? "nothing" : $"{copies[0].OrgId}@{copies[0].Version}")}");
            }
            else if (outcome.IsRefused && copies.Count > 0)
            {
                problems.Add($"{outcome.Command} was refused ({outcome.Status}) but is stored at {copies[0].OrgId}@{copies[0].Version}");
            }
        }

        return problems;
    }

    /// <summary>One line for the test log: how the commands ended.</summary>
    public static string Summary(IReadOnlyList<CommandOutcome> outcomes) =>
        string.Join(", ", outcomes
            .GroupBy(o => o.Status?.ToString(CultureInfo.InvariantCulture) ?? "no response")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}: {g.Count()}"));
}
