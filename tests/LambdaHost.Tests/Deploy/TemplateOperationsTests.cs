using CleanCqrs.Application.Common.Metrics;
using CleanCqrs.Infrastructure.Delivery.Smtp;
using CleanCqrs.LambdaHost.Observability;

namespace CleanCqrs.LambdaHost.Tests.Deploy;

/// <summary>
/// What an operator expects of deploy/template.yaml beyond running: alarms on the metrics that say
/// something is wrong (AWS metrics checked against AWS's published metric catalogue), data that
/// survives the stack, the SMTP password out of every parameter and environment variable, active
/// tracing and JSON logs.
/// </summary>
public sealed class TemplateOperationsTests
{
    private static readonly Lazy<CloudFormationTemplate> Loaded = new(() => CloudFormationTemplate.Load(RepositoryFiles.PathOf("deploy/template.yaml")));

    private static CloudFormationTemplate Template => Loaded.Value;

    private static IEnumerable<Resource> Alarms => Template.OfType("AWS::CloudWatch::Alarm");

    [TestCase("EventsTable")]
    [TestCase("JwtSigningKey")]
    [TestCase("OtpMacKey")]
    public void Data_that_cannot_be_recreated_outlives_the_stack(string name)
    {
        var body = Cfn.Map(Cfn.Map(Template.Root["Resources"])![name])!;

        Assert.That(body.GetValueOrDefault("DeletionPolicy"), Is.EqualTo("Retain"));
        Assert.That(body.GetValueOrDefault("UpdateReplacePolicy"), Is.EqualTo("Retain"));
    }

    [Test]
    public void The_event_store_cannot_be_deleted_by_accident()
    {
        Assert.That(Template["EventsTable"].Text("DeletionProtectionEnabled"), Is.EqualTo("true"));
    }

    [Test]
    public void The_function_traces_actively_and_logs_json_at_a_configurable_level()
    {
        var function = Template["Function"];
        var logging = Cfn.Map(function["LoggingConfig"])!;
        Assert.Multiple(() =>
        {
            Assert.That(Cfn.Map(function["TracingConfig"])!["Mode"], Is.EqualTo("Active"));
            Assert.That(logging["LogFormat"], Is.EqualTo("JSON"));
            Assert.That(Cfn.IsRef(logging["ApplicationLogLevel"], "LogLevel"), Is.True);
            Assert.That(Cfn.List(Cfn.Map(Template.Parameters["LogLevel"])!["AllowedValues"]),
                Is.EquivalentTo(new[] { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" }));
        });
    }

    [Test]
    public void The_smtp_password_is_a_parameter_name_never_a_value()
    {
        var variables = Cfn.Map(Cfn.Map(Template["Function"]["Environment"])!["Variables"])!;
        Assert.Multiple(() =>
        {
            Assert.That(variables, Does.Not.ContainKey(SmtpSettings.PasswordSetting));
            Assert.That(Cfn.IsRef(variables[SmtpSettings.PasswordParameterSetting], "SmtpPasswordParameterName"), Is.True);
            Assert.That(Template.Parameters.Keys.Where(k => !k.EndsWith("ParameterName", StringComparison.Ordinal)), Has.None.Contains("Password"));
            Assert.That(Template.Parameters.Values.Select(Cfn.Map).Where(p => p!.ContainsKey("NoEcho")), Is.Empty,
                "a NoEcho parameter is a secret on the deploy command line");
            Assert.That(RepositoryFiles.Read("deploy/deploy.sh"), Does.Not.Contain("SMTP_PASSWORD=").And.Not.Contain("SmtpPassword="));
        });
    }

    [TestCase("AWS/SQS", "ApproximateNumberOfMessagesVisible", "EventsDeadLetterQueue")]
    [TestCase("AWS/SQS", "ApproximateAgeOfOldestMessage", "EventsQueue")]
    [TestCase("AWS/Lambda", "Errors", "Function")]
    [TestCase("AWS/Lambda", "Throttles", "Function")]
    [TestCase("AWS/ApiGateway", "5xx", "HttpApi")]
    public void Alarms_watch_the_aws_metric_of_the_resource(string metricNamespace, string metric, string resource)
    {
        var alarm = Alarms.SingleOrDefault(a => a.Text("Namespace") == metricNamespace && a.Text("MetricName") == metric);
        Assert.That(alarm, Is.Not.Null, $"no alarm on {metricNamespace} {metric}");
        Assert.That(Cfn.List(alarm!["Dimensions"]).Select(d => Cfn.Map(d)!["Value"]).Any(v => References(v, resource)), Is.True,
            $"the {metric} alarm does not name {resource}");
    }

    [Test]
    public void Every_aws_metric_alarmed_on_exists_with_those_dimensions_in_the_published_catalogue()
    {
        var catalogue = CloudFormationSchemas.Instance;
        var checkedAny = false;
        foreach (var alarm in Alarms.Where(a => a.Text("Namespace") is { } ns && ns.StartsWith("AWS/", StringComparison.Ordinal)))
        {
            checkedAny = true;
            var sets = catalogue.Metric(alarm.Text("Namespace")!, alarm.Text("MetricName")!);
            Assert.That(sets, Is.Not.Null, $"{alarm.Name}: AWS publishes no metric {alarm.Text("Namespace")} {alarm.Text("MetricName")}");
            var dimensions = Cfn.List(alarm["Dimensions"]).Select(d => (string)Cfn.Map(d)!["Name"]!).ToHashSet(StringComparer.Ordinal);
            Assert.That(sets!.Any(s => s.SetEquals(dimensions)), Is.True,
                $"{alarm.Name}: {string.Join(",", dimensions)} is not a dimension set of {alarm.Text("MetricName")} ({string.Join(" | ", sets!.Select(s => string.Join(",", s)))})");
        }

        Assert.That(checkedAny, Is.True);
    }

    [Test]
    public void The_catalogue_check_can_fail()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CloudFormationSchemas.Instance.Metric("AWS/SQS", "ApproximateNumberOfMessagesVisibles"), Is.Null);
            Assert.That(CloudFormationSchemas.Instance.Metric("AWS/Lambda", "Errors")!.Any(s => s.SetEquals(["QueueName"])), Is.False);
        });
    }

    [TestCase(MetricNames.CommitsSwept)]
    [TestCase(MetricNames.PublishFailures)]
    [TestCase("OtpBudgetExhausted")]
    public void Alarms_on_our_own_metrics_read_the_configured_namespace_and_service(string metric)
    {
        var stats = Alarms.SelectMany(OwnMetrics).Where(m => m.Name == metric).ToList();

        Assert.That(stats, Is.Not.Empty, $"no alarm reads {metric}");
        foreach (var (_, ns, dimensions) in stats)
        {
            Assert.That(Cfn.IsRef(ns, "MetricsNamespace"), Is.True);
            Assert.That(dimensions.Any(d => d.Name == EmfMetrics.ServiceDimension && Cfn.IsRef(d.Value, "Function")), Is.True,
                "EMF writes the Service dimension (the function name by default) on every metric");
        }
    }

    [Test]
    public void The_budget_alarms_cover_sms_and_email()
    {
        var budgets = Alarms.SelectMany(OwnMetrics).Where(m => m.Name == "OtpBudgetExhausted")
            .Select(m => m.Dimensions.Single(d => d.Name == "Budget").Value as string);

        Assert.That(budgets, Is.EquivalentTo(new[] { "sms", "email" }));
    }

    [Test]
    public void Every_alarm_notifies_the_operators_topic_on_alarm_and_recovery()
    {
        Assert.That(Alarms.Count(), Is.GreaterThanOrEqualTo(9));
        foreach (var alarm in Alarms)
        {
            Assert.That(Cfn.List(alarm["AlarmActions"]).Any(a => Cfn.IsRef(a, "AlarmTopicArn")), Is.True, alarm.Name);
            Assert.That(Cfn.List(alarm["OKActions"]).Any(a => Cfn.IsRef(a, "AlarmTopicArn")), Is.True, alarm.Name);
            Assert.That(alarm.Text("TreatMissingData"), Is.Not.Null, $"{alarm.Name}: say what missing data means");
        }
    }

    [Test]
    public void The_metric_namespace_reaches_the_function()
    {
        var variables = Cfn.Map(Cfn.Map(Template["Function"]["Environment"])!["Variables"])!;

        Assert.That(Cfn.IsRef(variables[ObservabilitySettings.NamespaceSetting], "MetricsNamespace"), Is.True);
        Assert.That(Cfn.Map(Template.Parameters["MetricsNamespace"])!["Default"], Is.EqualTo(EmfMetrics.Namespace));
    }

    private static bool References(object? value, string resource) =>
        Cfn.IsRef(value, resource) || Cfn.GetAtt(value)?.Resource == resource;

    /// <summary>The metrics an alarm reads: its own, or each MetricStat of a metric-math alarm.</summary>
    private static IEnumerable<(string Name, object? Namespace, List<(string Name, object? Value)> Dimensions)> OwnMetrics(Resource alarm)
    {
        static List<(string, object?)> Dimensions(object? node) =>
            [.. Cfn.List(node).Select(d => ((string)Cfn.Map(d)!["Name"]!, Cfn.Map(d)!["Value"]))];

        if (alarm.Text("MetricName") is { } name)
        {
            yield return (name, alarm["Namespace"], Dimensions(alarm["Dimensions"]));
        }

        foreach (var query in Cfn.List(alarm["Metrics"]).Select(Cfn.Map))
        {
            if (Cfn.Map(Cfn.Map(query!.GetValueOrDefault("MetricStat"))?.GetValueOrDefault("Metric")) is { } metric)
            {
                yield return ((string)metric["MetricName"]!, metric["Namespace"], Dimensions(metric.GetValueOrDefault("Dimensions")));
            }
        }
    }
}
