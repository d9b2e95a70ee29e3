using System.Text.Json;
using CleanCqrs.LambdaHost.Observability;

namespace CleanCqrs.LambdaHost.Tests.Observability;

/// <summary>Checks a line against the CloudWatch embedded metric format specification, member by member.</summary>
internal static class EmfAssert
{
    private static readonly HashSet<string> Units =
    [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
        "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
        "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ];

    /// <summary>Asserts the document is valid EMF and returns its metric definitions by name (with their units).</summary>
    public static Dictionary<string, string> IsValid(JsonDocument document)
    {
        var root = document.RootElement;
        Assert.That(root.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(root.TryGetProperty("_aws", out var aws), Is.True, "the root has _aws");
        Assert.That(aws.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(aws.GetProperty("Timestamp").ValueKind, Is.EqualTo(JsonValueKind.Number));
        Assert.That(aws.GetProperty("Timestamp").TryGetInt64(out _), Is.True, "Timestamp is whole milliseconds");
        var directives = aws.GetProperty("CloudWatchMetrics");
        Assert.That(directives.ValueKind, Is.EqualTo(JsonValueKind.Array));
        Assert.That(directives.GetArrayLength(), Is.GreaterThan(0));

        var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var directive in directives.EnumerateArray())
        {
            Assert.That(directive.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "Namespace", "Dimensions", "Metrics" }),
                "a MetricDirective has exactly these members");
            Assert.That(directive.GetProperty("Namespace").GetString(), Is.EqualTo(EmfMetrics.Namespace));

            var dimensionSets = directive.GetProperty("Dimensions");
            Assert.That(dimensionSets.ValueKind, Is.EqualTo(JsonValueKind.Array));
            Assert.That(dimensionSets.GetArrayLength(), Is.GreaterThan(0));
            foreach (var set in dimensionSets.EnumerateArray())
            {
                Assert.That(set.ValueKind, Is.EqualTo(JsonValueKind.Array));
                Assert.That(set.GetArrayLength(), Is.LessThanOrEqualTo(9), "at most 9 keys in a DimensionSet");
                foreach (var key in set.EnumerateArray())
                {
                    var name = key.GetString()!;
                    Assert.That(root.TryGetProperty(name, out var target), Is.True, $"dimension {name} is a root member");
                    Assert.That(target.ValueKind, Is.EqualTo(JsonValueKind.String), $"dimension {name} has a string value");
                    Assert.That(target.GetString(), Is.Not.Empty);
                }
            }

            var definitions = directive.GetProperty("Metrics");
            Assert.That(definitions.ValueKind, Is.EqualTo(JsonValueKind.Array));
            Assert.That(definitions.GetArrayLength(), Is.InRange(1, 100));
            foreach (var definition in definitions.EnumerateArray())
            {
                var name = definition.GetProperty("Name").GetString()!;
                var unit = definition.GetProperty("Unit").GetString()!;
                Assert.That(Units, Does.Contain(unit), $"{name} has a CloudWatch unit");
                Assert.That(root.TryGetProperty(name, out var target), Is.True, $"metric {name} is a root member");
                if (target.ValueKind == JsonValueKind.Array)
                {
                    Assert.That(target.GetArrayLength(), Is.InRange(1, 100), $"{name} has at most 100 values");
                    Assert.That(target.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number), Is.True);
                }
                else
                {
                    Assert.That(target.ValueKind, Is.EqualTo(JsonValueKind.Number), $"metric {name} is a number");
                }

                Assert.That(metrics.TryAdd(name, unit), Is.True, $"{name} is defined once per document");
            }
        }

        return metrics;
    }

    public static double[] Values(JsonDocument document, string metric)
    {
        var value = document.RootElement.GetProperty(metric);
        return value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetDouble())] : [value.GetDouble()];
    }

    /// <summary>The dimension sets under which <paramref name="metric"/> is defined.</summary>
    public static string[][] DimensionSets(JsonDocument document, string metric) =>
        [.. document.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray()
            .Where(d => d.GetProperty("Metrics").EnumerateArray().Any(m => m.GetProperty("Name").GetString() == metric))
            .SelectMany(d => d.GetProperty("Dimensions").EnumerateArray())
            .Select(set => set.EnumerateArray().Select(k => k.GetString()!).ToArray())];
}
