using System.Text.Json.Nodes;
using CleanCqrs.LambdaHost.Observability;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.LambdaHost.Tests.Observability;

public sealed class EmfBudgetAlarmTests
{
    [Test]
    public void Writes_OtpBudgetExhausted_with_the_Budget_dimension_the_alarm_watches()
    {
        var output = new RecordingLineWriter();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

        new EmfBudgetAlarm(output, clock, "my-function").Exhausted("sms");

        var line = JsonNode.Parse(output.Lines.Single())!.AsObject();
        var directive = line["_aws"]!["CloudWatchMetrics"]![0]!;
        Assert.That(line["_aws"]!["Timestamp"]!.GetValue<long>(), Is.EqualTo(clock.GetUtcNow().ToUnixTimeMilliseconds()));
        Assert.That(directive["Namespace"]!.GetValue<string>(), Is.EqualTo(EmfMetrics.Namespace));
        Assert.That(directive["Dimensions"]!.ToJsonString(), Is.EqualTo("""[["Budget"],["Service","Budget"]]"""));
        Assert.That(directive["Metrics"]!.ToJsonString(), Is.EqualTo("""[{"Name":"OtpBudgetExhausted","Unit":"Count"}]"""));
        Assert.That((line["Budget"]!.GetValue<string>(), line["Service"]!.GetValue<string>(), line["OtpBudgetExhausted"]!.GetValue<int>()),
            Is.EqualTo(("sms", "my-function", 1)));
    }

    [Test]
    public void Names_the_email_budget_too()
    {
        var output = new RecordingLineWriter();

        new EmfBudgetAlarm(output, TimeProvider.System).Exhausted("email");

        Assert.That(JsonNode.Parse(output.Lines.Single())!["Budget"]!.GetValue<string>(), Is.EqualTo("email"));
    }
}
