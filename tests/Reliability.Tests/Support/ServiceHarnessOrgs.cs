namespace CleanCqrs.Reliability.Tests.Support;

/// <summary>Reading orgs back out of a running <see cref="ServiceHarness"/>.</summary>
public static class ServiceHarnessOrgs
{
    /// <summary>The org streams as the event store holds them (orgs never created are left out).</summary>
    public static async Task<Dictionary<string, IReadOnlyList<(long Version, OrgProfileText Profile)>>> OrgStreamsAsync(
        this ServiceHarness service, IEnumerable<string> orgIds)
    {
        ArgumentNullException.ThrowIfNull(service);
        var streams = new Dictionary<string, IReadOnlyList<(long, OrgProfileText)>>(StringComparer.Ordinal);
        foreach (var orgId in orgIds.Distinct(StringComparer.Ordinal))
        {
            var events = await service.ReadStreamAsync("org-" + orgId);
            if (events.Count > 0)
            {
                streams[orgId] = [.. events.Select(e => (e.Version, OrgProfileText.Of(e.Data)!))];
            }
        }

        return streams;
    }

    /// <summary>Waits until every org's read model is at its stream's last version, with that version's profile.</summary>
    public static Task ReadModelsConvergeAsync(
        this ServiceHarness service, IReadOnlyDictionary<string, IReadOnlyList<(long Version, OrgProfileText Profile)>> streams) =>
        Eventually.HoldsAsync(async () =>
        {
            foreach (var (orgId, events) in streams)
            {
                var model = await service.Orgs.GetAsync(orgId, CancellationToken.None);
                var (version, profile) = events[^1];
                if (model is null || model.Version != version
                    || new OrgProfileText(model.Name, model.Location, model.Description) != profile)
                {
                    return $"org {orgId} is read at {model?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"}, its stream at {version}";
                }
            }

            return null;
        });
}
