using System.Diagnostics;
using System.Text.Json.Nodes;
using CleanCqrs.LambdaHost.Lambda;
using CleanCqrs.Reliability.Tests.Support;
using CsCheck;

namespace CleanCqrs.Reliability.Tests.HostileInput;

/// <summary>
/// Generated adversarial SQS batches through the function entry: records that hold no event fail
/// alone (with the later records of their message group), redeliveries and far-ahead events succeed,
/// nothing throws but the documented whole-batch refusal, and nothing changes.
/// </summary>
public sealed class HostileSqsTests : HostileFixture
{
    private const ulong Seed = 0x5A5_2026_1127;

    [Test]
    public async Task Hostile_sqs_records_fail_alone_per_the_fifo_rule_and_change_nothing()
    {
        var minimumRecords = Scale.Pick(1_500, 15_000);
        var generator = new HostileSqsRecords(World).Batches;
        var before = await SnapshotAsync();
        var pcg = new PCG(2, Seed);
        var failures = new List<string>();
        var records = 0;
        var batches = 0;
        var failedRecords = 0;
        var clock = Stopwatch.StartNew();
        while (records < minimumRecords && failures.Count < 10)
        {
            var caseSeed = pcg.ToString();
            var batch = generator.Generate(pcg, null, out _);
            var (failed, violation) = await CheckAsync(batch, batches);
            batches++;
            records += batch.Records.Count;
            failedRecords += failed;
            if (violation is not null)
            {
                failures.Add($"{HostileRequests.Describe(batches - 1, caseSeed)}: {violation}\n{batch}");
            }
        }

        TestContext.Progress.WriteLine(
            $"hostile SQS (seed 0x{Seed:X}): {records} records in {batches} batches in {clock.Elapsed.TotalSeconds:0.0} s; {failedRecords} reported failed");
        Assert.That(failures, Is.Empty, $"seed 0x{Seed:X}:\n\n" + string.Join("\n\n", failures));
        Assert.That(await SnapshotAsync(), Is.EqualTo(before), "the stored state changed");
    }

    private async Task<(int Failed, string? Violation)> CheckAsync(HostileSqsBatch batch, int index)
    {
        var writes = StoreWrites.Writes;
        byte[] raw;
        try
        {
            raw = await Service.Function.HandleAsync(batch.ToEvent(), new InvocationContext($"sqs-{index}", DateTimeOffset.UtcNow.AddMinutes(1)), CancellationToken.None);
        }
        catch (InvalidEventException) when (batch.LacksMessageId)
        {
            // Documented: a record that cannot be reported alone fails the batch as a whole, as AWS would.
            return (batch.Records.Count, null);
        }
        catch (Exception ex)
        {
            return (0, $"the function threw {ex.GetType().Name}: {ex.Message}");
        }

        if (batch.LacksMessageId)
        {
            return (0, "a record without messageId was not refused");
        }

        var reported = (JsonNode.Parse(raw)!["batchItemFailures"]?.AsArray() ?? [])
            .Select(f => f!["itemIdentifier"]!.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        var ids = batch.Records.Select(r => r.MessageId!).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(reported.Where(id => !ids.Contains(id)).Select(id => $"reported {id}, which is not in the batch"));

        // The consumer's rule: a record with no event fails; after a failure, its group's later records fail unprocessed.
        var failedGroups = new HashSet<string>(StringComparer.Ordinal);
        var doubtfulGroups = new HashSet<string>(StringComparer.Ordinal);
        var mustFail = new HashSet<string>(StringComparer.Ordinal);
        var mustSucceed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in batch.Records)
        {
            var group = record.GroupId;
            if (group is not null && failedGroups.Contains(group))
            {
                mustFail.Add(record.MessageId!);
                continue;
            }

            switch (record.Content)
            {
                case RecordBody.NoEvent:
                    mustFail.Add(record.MessageId!);
                    if (group is not null)
                    {
                        failedGroups.Add(group);
                    }

                    break;
                case RecordBody.HarmlessEvent when group is null || !doubtfulGroups.Contains(group):
                    mustSucceed.Add(record.MessageId!);
                    break;
                default:
                    if (group is not null)
                    {
                        doubtfulGroups.Add(group);
                    }

                    break;
            }
        }

        // A repeated id answers for all its records at once.
        var repeated = batch.Records.GroupBy(r => r.MessageId!).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        mustSucceed.ExceptWith(mustFail);
        mustSucceed.ExceptWith(repeated);
        problems.AddRange(mustFail.Where(id => !reported.Contains(id)).Select(id => $"{id} holds no event (or follows one in its group) but was not reported"));
        problems.AddRange(mustSucceed.Where(reported.Contains).Select(id => $"{id} is a harmless event but was reported failed"));

        foreach (var group in batch.Records.Where(r => r.GroupId is not null).GroupBy(r => r.GroupId!))
        {
            var failedSeen = false;
            foreach (var record in group.Where(r => !repeated.Contains(r.MessageId!)))
            {
                var failed = reported.Contains(record.MessageId!);
                if (failedSeen && !failed)
                {
                    problems.Add($"{record.MessageId} of group '{group.Key}' succeeded after an earlier record of its group failed");
                }

                failedSeen |= failed;
            }
        }

        if (StoreWrites.Writes != writes)
        {
            problems.Add("the event store was written");
        }

        return (reported.Count, problems.Count == 0 ? null : string.Join("; ", problems));
    }
}
