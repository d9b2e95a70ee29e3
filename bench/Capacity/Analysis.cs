using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CleanCqrs.Infrastructure.DynamoDb;

namespace CleanCqrs.Bench.Capacity;

/// <summary>The report of one run: per command, and per partition key value of each table and index.</summary>
public static class Analysis
{
    private static readonly string[] IndexEntryAttributes =
        [EventsTable.StreamId, EventsTable.Seq, EventsTable.PendingShard, EventsTable.PendingSince];

    private static readonly string[] Writes = ["PutItem", "UpdateItem", "DeleteItem"];

    public static void Write(StringBuilder report, int shards, IReadOnlyList<RecordedRequest> requests, IReadOnlyDictionary<string, int> occurrences)
    {
        var eventsTable = requests.FirstOrDefault(r => r.Table?.Contains("-events-", StringComparison.Ordinal) == true)?.Table;
        var derived = DeriveIndexWrites(requests, eventsTable);

        report.AppendLine(CultureInfo.InvariantCulture, $"### OUTBOX_SHARDS = {shards}").AppendLine();
        var perCommand = new MarkdownTable(2, "what", "times", "requests each", "table RCU each (reported)", "table WCU each (reported)",
            "outbox-index WCU each (keys only, derived)", "seed pending-index WCU each (ALL, derived)", "events item bytes (median / max)", "of which keys + events (bytes, median)");
        foreach (var (label, count) in occurrences.OrderBy(o => o.Key.StartsWith("projection", StringComparison.Ordinal)).ThenBy(o => o.Key, StringComparer.Ordinal))
        {
            var mine = requests.Where(r => r.Label == label).ToList();
            var ops = string.Join(", ", mine.GroupBy(r => r.Operation).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{Each(g.Count(), count)} {g.Key}"));
            var reads = mine.Where(r => !Writes.Contains(r.Operation)).Sum(r => r.ReportedTableUnits > 0 ? r.ReportedTableUnits : r.ReportedUnits);
            var writes = mine.Where(r => Writes.Contains(r.Operation)).Sum(r => r.ReportedTableUnits > 0 ? r.ReportedTableUnits : r.ReportedUnits);
            var index = derived.Where(d => d.Label == label).Sum(d => ItemSizes.WriteUnits(d.EntrySize));
            var legacy = derived.Where(d => d.Label == label).Sum(d => ItemSizes.WriteUnits(d.FullSize));
            var sizes = mine.Where(r => r.Operation == "PutItem" && r.Table == eventsTable && r.Request["Item"] is JsonObject)
                .Select(r => (double)ItemSizes.Of((JsonObject)r.Request["Item"]!)).ToList();
            // What the seed's one-item-per-event layout would store: the keys and the event, no snapshot, no outbox marker.
            var eventOnly = mine.Where(r => r.Operation == "PutItem" && r.Table == eventsTable && r.Request["Item"] is JsonObject)
                .Select(r => (double)ItemSizes.Of((JsonObject)r.Request["Item"]!, [EventsTable.StreamId, EventsTable.Seq, EventsTable.Events])).ToList();
            perCommand.Add(label, count.ToString(CultureInfo.InvariantCulture), ops.Length == 0 ? "none" : ops,
                Each(reads, count), Each(writes, count), Each(index, count), Each(legacy, count),
                sizes.Count == 0 ? "–" : $"{Summary.Of(sizes).Median:F0} / {sizes.Max():F0}",
                eventOnly.Count == 0 ? "–" : $"{Summary.Of(eventOnly).Median:F0}");
        }

        report.AppendLine(perCommand.ToString()).AppendLine();

        var partitions = new MarkdownTable(1, "writes to", "writes", "distinct key values", "busiest key value's writes", "busiest share", "target ≤ 10 %");
        AddShare(partitions, $"events table (`streamId`)", requests
            .Where(r => r.Table == eventsTable && Writes.Contains(r.Operation))
            .Select(r => Key(r, EventsTable.StreamId)));
        AddShare(partitions, $"read-models table (`pk`)", requests
            .Where(r => r.Table is not null && r.Table != eventsTable && Writes.Contains(r.Operation))
            .Select(r => Key(r, ReadModelsTable.Pk)));
        AddShare(partitions, $"`outbox-index` GSI (`pendingShard`), derived", derived.Select(d => d.Shard));
        AddShare(partitions, $"seed `pending-index` GSI (`pending` = \"1\"), derived", derived.Select(_ => "1"));
        report.AppendLine(partitions.ToString()).AppendLine();

        var entries = derived.Select(d => (double)d.EntrySize).ToList();
        var readModels = requests.Where(r => r.Table is not null && r.Table != eventsTable && r.Operation == "PutItem" && r.Request["Item"] is JsonObject)
            .Select(r => (double)ItemSizes.Of((JsonObject)r.Request["Item"]!)).ToList();
        if (entries.Count > 0)
        {
            report.AppendLine(CultureInfo.InvariantCulture,
                $"- `outbox-index` entry: median {Summary.Of(entries).Median:F0} B, max {entries.Max():F0} B (one write unit each).");
        }

        if (readModels.Count > 0)
        {
            report.AppendLine(CultureInfo.InvariantCulture,
                $"- read-model item: median {Summary.Of(readModels).Median:F0} B, max {readModels.Max():F0} B.");
        }

        var failed = requests.Count(r => !r.Succeeded);
        report.AppendLine(CultureInfo.InvariantCulture,
            $"- {requests.Count} DynamoDB requests in all, {failed} answered with an error (conditional checks that lost, and the like).").AppendLine();
    }

    private static string Key(RecordedRequest request, string attribute) =>
        (string?)(request.Request["Item"] ?? request.Request["Key"])?[attribute]?["S"] ?? "(none)";

    private static void AddShare(MarkdownTable table, string what, IEnumerable<string> keys)
    {
        var counts = keys.GroupBy(k => k, StringComparer.Ordinal).Select(g => g.Count()).ToList();
        if (counts.Count == 0)
        {
            table.Add(what, "0", "0", "–", "–", "–");
            return;
        }

        var total = counts.Sum();
        var share = counts.Max() / (double)total;
        table.Add(what, total.ToString(CultureInfo.InvariantCulture), counts.Count.ToString(CultureInfo.InvariantCulture),
            counts.Max().ToString(CultureInfo.InvariantCulture), share.ToString("P1", CultureInfo.InvariantCulture), share <= 0.10 ? "met" : "**not met**");
    }

    /// <summary>
    /// The writes the outbox index takes, from the items: a stored commit enters it, a commit marked
    /// published leaves it; each is one index write of the entry's size.
    /// </summary>
    private static List<IndexWrite> DeriveIndexWrites(IReadOnlyList<RecordedRequest> requests, string? eventsTable)
    {
        var pending = new Dictionary<(string Stream, string Seq), IndexWrite>();
        var writes = new List<IndexWrite>();
        foreach (var request in requests.Where(r => r.Succeeded && r.Table == eventsTable))
        {
            if (request.Operation == "PutItem" && request.Request["Item"] is JsonObject item && item[EventsTable.PendingShard] is { } shard)
            {
                var write = new IndexWrite(request.Label, (string)shard["S"]!, ItemSizes.Of(item, IndexEntryAttributes), ItemSizes.Of(item));
                pending[((string)item[EventsTable.StreamId]!["S"]!, (string)item[EventsTable.Seq]!["N"]!)] = write;
                writes.Add(write);
            }
            else if (request.Operation == "UpdateItem"
                && ((string?)request.Request["UpdateExpression"])?.StartsWith("REMOVE", StringComparison.Ordinal) == true
                && request.Request["Key"] is JsonObject key
                && pending.Remove(((string)key[EventsTable.StreamId]!["S"]!, (string)key[EventsTable.Seq]!["N"]!), out var entered))
            {
                writes.Add(entered with { Label = request.Label });
            }
        }

        return writes;
    }

    private static string Each(double total, int count) => (total / Math.Max(1, count)).ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record IndexWrite(string Label, string Shard, int EntrySize, int FullSize);
}
