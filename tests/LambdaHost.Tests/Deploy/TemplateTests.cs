using System.Text.RegularExpressions;
using Amazon.DynamoDBv2.Model;
using CleanCqrs.Infrastructure;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.Delivery.Smtp;
using CleanCqrs.Infrastructure.DynamoDb;
using CleanCqrs.Infrastructure.Messaging.Sns;
using CleanCqrs.Infrastructure.Security.Kms;
using CleanCqrs.LambdaHost.Logging;
using CleanCqrs.LambdaHost.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.LambdaHost.Tests.Deploy;

/// <summary>
/// deploy/template.yaml against SPEC section 4 and against the code: every resource the service
/// needs, the tables as <see cref="TableDefinitions"/> defines them, every setting the code reads in
/// AWS mode, and an IAM policy that grants exactly what the adapters call.
/// </summary>
public sealed partial class TemplateTests
{
    private static readonly Lazy<CloudFormationTemplate> Loaded = new(() => CloudFormationTemplate.Load(RepositoryFiles.PathOf("deploy/template.yaml")));

    private static CloudFormationTemplate Template => Loaded.Value;

    private static Resource Function => Template["Function"];

    private static Dictionary<string, object?> Environment =>
        Cfn.Map(Cfn.Map(Cfn.Map(Function["Environment"])!["Variables"]))!;

    [TestCase("EventsTable", "AWS::DynamoDB::Table")]
    [TestCase("ReadModelsTable", "AWS::DynamoDB::Table")]
    [TestCase("EventsTopic", "AWS::SNS::Topic")]
    [TestCase("EventsQueue", "AWS::SQS::Queue")]
    [TestCase("EventsDeadLetterQueue", "AWS::SQS::Queue")]
    [TestCase("EventsQueuePolicy", "AWS::SQS::QueuePolicy")]
    [TestCase("EventsSubscription", "AWS::SNS::Subscription")]
    [TestCase("Function", "AWS::Lambda::Function")]
    [TestCase("FunctionRole", "AWS::IAM::Role")]
    [TestCase("FunctionLogGroup", "AWS::Logs::LogGroup")]
    [TestCase("EventsQueueMapping", "AWS::Lambda::EventSourceMapping")]
    [TestCase("HttpApi", "AWS::ApiGatewayV2::Api")]
    [TestCase("HttpApiIntegration", "AWS::ApiGatewayV2::Integration")]
    [TestCase("HttpApiDefaultRoute", "AWS::ApiGatewayV2::Route")]
    [TestCase("HttpApiStage", "AWS::ApiGatewayV2::Stage")]
    [TestCase("HttpApiInvokePermission", "AWS::Lambda::Permission")]
    [TestCase("SweepSchedule", "AWS::Events::Rule")]
    [TestCase("SweepInvokePermission", "AWS::Lambda::Permission")]
    [TestCase("JwtSigningKey", "AWS::KMS::Key")]
    [TestCase("OtpMacKey", "AWS::KMS::Key")]
    public void Declares_every_resource_of_the_service(string name, string type)
    {
        Assert.That(Template[name].Type, Is.EqualTo(type));
    }

    [Test]
    public void Every_reference_names_a_resource_or_parameter_of_the_template()
    {
        var known = Template.Resources.Keys.Concat(Template.Parameters.Keys).Append("AWS::StackName").Append("AWS::Region")
            .Append("AWS::AccountId").Append("AWS::Partition").Append("AWS::NoValue").ToHashSet(StringComparer.Ordinal);
        var dangling = References(Template.Root["Resources"]).Where(r => !known.Contains(r)).Distinct().ToList();
        Assert.That(dangling, Is.Empty);
    }

    [Test]
    public void Parameters_and_resources_do_not_share_a_logical_id()
    {
        // CloudFormation rejects such a template, and a Ref to the name would be ambiguous anyway.
        Assert.That(Template.Parameters.Keys.Intersect(Template.Resources.Keys), Is.Empty);
    }

    [Test]
    public void Every_output_names_something_the_template_declares()
    {
        var known = Template.Resources.Keys.ToHashSet(StringComparer.Ordinal);
        var outputs = Cfn.Map(Template.Root["Outputs"])!;
        Assert.That(References(outputs).Where(r => !known.Contains(r)), Is.Empty);
        Assert.That(outputs.Keys, Is.SupersetOf(new[] { "ApiUrl", "DeadLetterQueueArn", "FunctionName" }), "what docs/operations.md tells operators to look up");
    }

    [Test]
    public void The_tables_have_the_keys_and_index_the_code_defines()
    {
        var definitions = TableDefinitions.All(new DynamoDbTableNames("events", "read-models", "guards"));
        Assert.That(definitions, Has.Count.EqualTo(3), "one template table per definition");
        AssertTable(Template["EventsTable"], definitions.Single(d => d.TableName == "events"));
        AssertTable(Template["ReadModelsTable"], definitions.Single(d => d.TableName == "read-models"));
        AssertTable(Template["GuardsTable"], definitions.Single(d => d.TableName == "guards"));
        var ttl = Cfn.Map(Template["GuardsTable"]["TimeToLiveSpecification"])!;
        Assert.That((ttl["AttributeName"], ttl["Enabled"]?.ToString()?.ToLowerInvariant()), Is.EqualTo(((object?)GuardsTable.Ttl, "true")),
            "expired counters, idempotency records and claims are deleted by DynamoDB");
        Assert.That(Template.OfType("AWS::DynamoDB::Table").Count(), Is.EqualTo(definitions.Count));
    }

    private static void AssertTable(Resource table, CreateTableRequest definition)
    {
        Assert.That(table.Text("BillingMode"), Is.EqualTo(definition.BillingMode.Value), $"{table.Name} billing");
        Assert.That(Attributes(WithDefaults(table["AttributeDefinitions"])),
            Is.EquivalentTo(definition.AttributeDefinitions.Select(a => (a.AttributeName, a.AttributeType.Value))), $"{table.Name} attributes");
        Assert.That(KeySchema(table["KeySchema"]), Is.EqualTo(definition.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value))), $"{table.Name} key");

        var indexes = WithDefaults(table["GlobalSecondaryIndexes"]).Select(i => Cfn.Map(i)!).ToList();
        var expected = definition.GlobalSecondaryIndexes ?? [];
        Assert.That(indexes.Select(i => (string)i["IndexName"]!), Is.EquivalentTo(expected.Select(i => i.IndexName)), $"{table.Name} indexes");
        foreach (var index in expected)
        {
            var declared = indexes.Single(i => (string)i["IndexName"]! == index.IndexName);
            Assert.That(KeySchema(declared["KeySchema"]), Is.EqualTo(index.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value))), index.IndexName);
            Assert.That(Cfn.Map(declared["Projection"])!["ProjectionType"], Is.EqualTo(index.Projection.ProjectionType.Value), index.IndexName);
        }
    }

    /// <summary>A list with its <c>Fn::If</c> entries decided by the condition's default (false: a new stack).</summary>
    private static List<object?> WithDefaults(object? list, bool keepLegacyPendingIndex = false) =>
        [.. Cfn.List(list)
            .Select(entry => Cfn.Map(entry) is { Count: 1 } map && map.TryGetValue("Fn::If", out var branches)
                ? Decide(Cfn.List(branches), keepLegacyPendingIndex)
                : entry)
            .Where(entry => !Cfn.IsRef(entry, "AWS::NoValue"))];

    private static object? Decide(List<object?> branches, bool keepLegacyPendingIndex)
    {
        Assert.That(branches, Has.Count.EqualTo(3));
        Assert.That(branches[0], Is.EqualTo("LegacyPendingIndexKept"), "the only condition of the template");
        return keepLegacyPendingIndex ? branches[1] : branches[2];
    }

    [Test]
    public void An_upgraded_stack_keeps_the_legacy_pending_index_only_while_asked_to()
    {
        var table = Template["EventsTable"];
        var parameter = Cfn.Map(Template.Parameters["KeepLegacyPendingIndex"])!;
        Assert.That(parameter["Default"], Is.EqualTo("false"), "a new stack never has it");
        Assert.That(Cfn.List(parameter["AllowedValues"]), Is.EquivalentTo(new[] { "true", "false" }));
        var condition = Cfn.List(Cfn.Map(Cfn.Map(Template.Root["Conditions"])!["LegacyPendingIndexKept"])!["Fn::Equals"]);
        Assert.That(Cfn.IsRef(condition[0], "KeepLegacyPendingIndex") && Equals(condition[1], "true"), Is.True);

        var definition = EventsTable.Definition("events");
        var legacy = EventsTable.LegacyIndex();
        var indexes = WithDefaults(table["GlobalSecondaryIndexes"], keepLegacyPendingIndex: true).Select(i => Cfn.Map(i)!).ToList();
        Assert.That(indexes.Select(i => (string)i["IndexName"]!), Is.EquivalentTo(new[] { EventsTable.OutboxIndex, EventsTable.LegacyPendingIndex }));
        var declared = indexes.Single(i => (string)i["IndexName"]! == EventsTable.LegacyPendingIndex);
        Assert.That(KeySchema(declared["KeySchema"]), Is.EqualTo(legacy.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value))),
            "exactly as the build before the shards declared it, or CloudFormation would replace it");
        Assert.That(Cfn.Map(declared["Projection"])!["ProjectionType"], Is.EqualTo("ALL"));
        Assert.That(Attributes(WithDefaults(table["AttributeDefinitions"], keepLegacyPendingIndex: true)),
            Is.EquivalentTo(definition.AttributeDefinitions.Select(a => (a.AttributeName, a.AttributeType.Value)).Append((EventsTable.LegacyPending, "S"))));
    }

    [Test]
    public void The_outbox_shard_count_is_a_parameter_the_function_reads_within_the_codes_bounds()
    {
        var parameter = Cfn.Map(Template.Parameters["OutboxShards"])!;
        Assert.That(Cfn.IsRef(Environment[OutboxShards.Setting], "OutboxShards"), Is.True);
        Assert.That(Convert.ToInt32(parameter["Default"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(OutboxShards.DefaultCount));
        Assert.That(Convert.ToInt32(parameter["MinValue"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(1));
        Assert.That(Convert.ToInt32(parameter["MaxValue"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(OutboxShards.MaxCount));
    }

    [Test]
    public void The_topic_is_high_throughput_FIFO_with_deduplication_per_message_group()
    {
        Assert.That(Template["EventsTopic"].Text("FifoThroughputScope"), Is.EqualTo("MessageGroup"));
    }

    [Test]
    public void The_queue_is_high_throughput_FIFO_with_deduplication_and_quota_per_message_group()
    {
        var queue = Template["EventsQueue"];
        Assert.That(queue.Text("DeduplicationScope"), Is.EqualTo("messageGroup"));
        Assert.That(queue.Text("FifoThroughputLimit"), Is.EqualTo("perMessageGroupId"), "AWS requires messageGroup deduplication with it");
    }

    [Test]
    public void The_event_source_mappings_concurrency_is_capped_by_a_parameter()
    {
        var scaling = Cfn.Map(Template["EventsQueueMapping"]["ScalingConfig"])!;
        Assert.That(Cfn.IsRef(scaling["MaximumConcurrency"], "EventsMaxConcurrency"), Is.True);
        var parameter = Cfn.Map(Template.Parameters["EventsMaxConcurrency"])!;
        Assert.That(Convert.ToInt32(parameter["MinValue"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(2), "Lambda's lowest maximum concurrency");
        Assert.That(Convert.ToInt32(parameter["MaxValue"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(1000), "Lambda's highest");
        Assert.That(Convert.ToInt32(parameter["Default"], System.Globalization.CultureInfo.InvariantCulture), Is.InRange(2, 1000));
    }

    [Test]
    public void The_HTTP_APIs_default_route_is_throttled_by_parameters()
    {
        var settings = Cfn.Map(Template["HttpApiStage"]["DefaultRouteSettings"])!;
        Assert.That(Cfn.IsRef(settings["ThrottlingRateLimit"], "ApiThrottlingRateLimit"), Is.True);
        Assert.That(Cfn.IsRef(settings["ThrottlingBurstLimit"], "ApiThrottlingBurstLimit"), Is.True);
        foreach (var name in new[] { "ApiThrottlingRateLimit", "ApiThrottlingBurstLimit" })
        {
            var parameter = Cfn.Map(Template.Parameters[name])!;
            Assert.That(parameter["Type"], Is.EqualTo("Number"), name);
            Assert.That(Convert.ToInt32(parameter["Default"], System.Globalization.CultureInfo.InvariantCulture), Is.Positive, name);
        }
    }

    private static IEnumerable<(string, string)> Attributes(object? node) =>
        Cfn.List(node).Select(a => Cfn.Map(a)!).Select(a => ((string)a["AttributeName"]!, (string)a["AttributeType"]!));

    private static IEnumerable<(string, string)> KeySchema(object? node) =>
        Cfn.List(node).Select(k => Cfn.Map(k)!).Select(k => ((string)k["AttributeName"]!, (string)k["KeyType"]!));

    [Test]
    public void The_topic_is_FIFO_with_deduplication_by_event_id()
    {
        var topic = Template["EventsTopic"];
        Assert.That(topic.Text("FifoTopic"), Is.EqualTo("true"));
        Assert.That(topic.Text("ContentBasedDeduplication"), Is.EqualTo("false"), "the publisher sets MessageDeduplicationId = event id");
        Assert.That(Cfn.Sub(topic["TopicName"]), Does.EndWith(".fifo"));
        Assert.That(Cfn.IsRef(Environment[SnsSettings.EventsTopicArnSetting], "EventsTopic"), Is.True);
    }

    [Test]
    public void The_queue_and_its_dead_letter_queue_are_FIFO_with_a_redrive_after_max_receive_count()
    {
        var queue = Template["EventsQueue"];
        var dlq = Template["EventsDeadLetterQueue"];
        Assert.That(queue.Text("FifoQueue"), Is.EqualTo("true"));
        Assert.That(dlq.Text("FifoQueue"), Is.EqualTo("true"), "a FIFO queue's dead-letter queue must be FIFO too");
        Assert.That(Cfn.Sub(queue["QueueName"]), Does.EndWith(".fifo"));
        Assert.That(Cfn.Sub(dlq["QueueName"]), Does.EndWith(".fifo"));

        var redrive = Cfn.Map(queue["RedrivePolicy"])!;
        Assert.That(Cfn.IsGetAtt(redrive["deadLetterTargetArn"], "EventsDeadLetterQueue", "Arn"), Is.True);
        Assert.That(Cfn.IsRef(redrive["maxReceiveCount"], "MaxReceiveCount"), Is.True);
        Assert.That(Cfn.IsRef(Environment[ServiceSettings.MaxReceiveCountSetting], "MaxReceiveCount"), Is.True,
            "the function and the queue agree on the deliveries before the DLQ");
        Assert.That(int.Parse(queue.Text("MessageRetentionPeriod") ?? "345600"), Is.LessThanOrEqualTo(int.Parse(dlq.Text("MessageRetentionPeriod")!)),
            "a message must not expire in the DLQ before it could in the queue");
    }

    [Test]
    public void The_queue_hides_a_batch_for_at_least_six_function_timeouts()
    {
        // AWS's advice for SQS event sources: otherwise a slow batch is delivered again while it still runs.
        var visibility = int.Parse(Template["EventsQueue"].Text("VisibilityTimeout")!);
        var timeout = int.Parse(Function.Text("Timeout")!);
        Assert.That(visibility, Is.GreaterThanOrEqualTo(6 * timeout));
    }

    [Test]
    public void The_topic_delivers_raw_messages_to_the_queue_which_only_that_topic_may_send_to()
    {
        var subscription = Template["EventsSubscription"];
        Assert.That(subscription.Text("Protocol"), Is.EqualTo("sqs"));
        Assert.That(subscription.Text("RawMessageDelivery"), Is.EqualTo("true"));
        Assert.That(Cfn.IsRef(subscription["TopicArn"], "EventsTopic"), Is.True);
        Assert.That(Cfn.IsGetAtt(subscription["Endpoint"], "EventsQueue", "Arn"), Is.True);

        var policy = Template["EventsQueuePolicy"];
        Assert.That(Cfn.List(policy["Queues"]).Any(q => Cfn.IsRef(q, "EventsQueue")), Is.True);
        var statement = Cfn.List(Cfn.Map(policy["PolicyDocument"])!["Statement"]).Select(s => Cfn.Map(s)!).Single();
        Assert.That(statement["Effect"], Is.EqualTo("Allow"));
        Assert.That(Cfn.Map(statement["Principal"])!["Service"], Is.EqualTo("sns.amazonaws.com"));
        Assert.That(Cfn.List(statement["Action"]), Is.EqualTo(new[] { "sqs:SendMessage" }));
        Assert.That(Cfn.IsGetAtt(statement["Resource"], "EventsQueue", "Arn"), Is.True);
        var condition = Cfn.Map(Cfn.Map(statement["Condition"])!["ArnEquals"])!;
        Assert.That(Cfn.IsRef(condition["aws:SourceArn"], "EventsTopic"), Is.True);
    }

    [Test]
    public void The_function_is_the_native_bootstrap_on_the_custom_runtime()
    {
        Assert.That(Function.Text("Runtime"), Is.EqualTo("provided.al2023"));
        Assert.That(Function.Text("Handler"), Is.EqualTo("bootstrap"));
        Assert.That(Cfn.List(Function["Architectures"]).Single(), Is.Not.Null.And.Matches<object?>(a => Cfn.IsRef(a, "Architecture")));
        Assert.That(Cfn.List(Cfn.Map(Template.Parameters["Architecture"])!["AllowedValues"]), Is.EquivalentTo(new[] { "x86_64", "arm64" }));
        Assert.That(Cfn.IsGetAtt(Function["Role"], "FunctionRole", "Arn"), Is.True);
        Assert.That(Cfn.IsRef(Cfn.Map(Function["LoggingConfig"])!["LogGroup"], "FunctionLogGroup"), Is.True);
    }

    [Test]
    public void The_HTTP_API_proxies_every_route_to_the_function_with_payload_format_2()
    {
        Assert.That(Template["HttpApi"].Text("ProtocolType"), Is.EqualTo("HTTP"));
        var integration = Template["HttpApiIntegration"];
        Assert.That(integration.Text("IntegrationType"), Is.EqualTo("AWS_PROXY"));
        Assert.That(integration.Text("PayloadFormatVersion"), Is.EqualTo("2.0"));
        Assert.That(Cfn.IsGetAtt(integration["IntegrationUri"], "Function", "Arn"), Is.True);
        Assert.That(Cfn.IsRef(integration["ApiId"], "HttpApi"), Is.True);

        var route = Template["HttpApiDefaultRoute"];
        Assert.That(route.Text("RouteKey"), Is.EqualTo("$default"));
        Assert.That(Cfn.Sub(route["Target"]), Is.EqualTo("integrations/${HttpApiIntegration}"));
        Assert.That(Cfn.IsRef(route["ApiId"], "HttpApi"), Is.True);

        var stage = Template["HttpApiStage"];
        Assert.That(stage.Text("StageName"), Is.EqualTo("$default"));
        Assert.That(stage.Text("AutoDeploy"), Is.EqualTo("true"));

        AssertInvokePermission(Template["HttpApiInvokePermission"], "apigateway.amazonaws.com");
        Assert.That(Cfn.Sub(Template["HttpApiInvokePermission"]["SourceArn"]), Does.Contain("${HttpApi}"));
    }

    [Test]
    public void The_queue_feeds_the_function_with_partial_batch_responses()
    {
        var mapping = Template["EventsQueueMapping"];
        Assert.That(Cfn.IsRef(mapping["FunctionName"], "Function"), Is.True);
        Assert.That(Cfn.IsGetAtt(mapping["EventSourceArn"], "EventsQueue", "Arn"), Is.True);
        Assert.That(Cfn.List(mapping["FunctionResponseTypes"]), Does.Contain("ReportBatchItemFailures"));
        Assert.That(int.Parse(mapping.Text("BatchSize")!), Is.InRange(1, 10), "FIFO event sources take at most 10 records");
    }

    [Test]
    public void A_schedule_invokes_the_function_to_sweep_the_outbox()
    {
        var rule = Template["SweepSchedule"];
        Assert.That(rule["ScheduleExpression"], Is.Not.Null);
        Assert.That(rule.Text("State"), Is.EqualTo("ENABLED"));
        var target = Cfn.Map(Cfn.List(rule["Targets"]).Single())!;
        Assert.That(Cfn.IsGetAtt(target["Arn"], "Function", "Arn"), Is.True);

        var permission = Template["SweepInvokePermission"];
        AssertInvokePermission(permission, "events.amazonaws.com");
        Assert.That(Cfn.IsGetAtt(permission["SourceArn"], "SweepSchedule", "Arn"), Is.True);
    }

    private static void AssertInvokePermission(Resource permission, string principal)
    {
        Assert.That(permission.Text("Action"), Is.EqualTo("lambda:InvokeFunction"));
        Assert.That(permission.Text("Principal"), Is.EqualTo(principal));
        Assert.That(Cfn.IsRef(permission["FunctionName"], "Function"), Is.True);
        Assert.That(permission["SourceArn"], Is.Not.Null, "scoped to its one caller");
    }

    [Test]
    public void The_keys_can_sign_tokens_and_compute_OTP_MACs()
    {
        var jwt = Template["JwtSigningKey"];
        Assert.That(jwt.Text("KeySpec"), Is.EqualTo("RSA_2048"), "RS256 needs an RSA key");
        Assert.That(jwt.Text("KeyUsage"), Is.EqualTo("SIGN_VERIFY"));
        var otp = Template["OtpMacKey"];
        Assert.That(otp.Text("KeySpec"), Is.EqualTo("HMAC_256"));
        Assert.That(otp.Text("KeyUsage"), Is.EqualTo("GENERATE_VERIFY_MAC"));
        Assert.That(Cfn.IsGetAtt(Environment[KmsSettings.JwtKeySetting], "JwtSigningKey", "Arn"), Is.True);
        Assert.That(Cfn.IsGetAtt(Environment[KmsSettings.OtpKeySetting], "OtpMacKey", "Arn"), Is.True);
    }

    /// <summary>Every setting the code reads in AWS mode that Lambda does not provide itself.</summary>
    private static readonly string[] AwsModeSettings =
    [
        ServiceSettings.StoreSetting, ServiceSettings.BrokerSetting, ServiceSettings.SecuritySetting, ServiceSettings.DeliverySetting,
        ServiceSettings.TokenIssuerSetting, ServiceSettings.TokenLifetimeSetting, ServiceSettings.OtpTtlSetting, ServiceSettings.MaxReceiveCountSetting,
        DynamoDbTableNames.EventsSetting, DynamoDbTableNames.ReadModelsSetting, OutboxShards.Setting, DynamoDbTableNames.GuardsSetting,
        ServiceSettings.OtpAddressLimitSetting, ServiceSettings.SmsBudgetSetting, ServiceSettings.EmailBudgetSetting, ServiceSettings.OtpCountriesSetting,
        SnsSettings.EventsTopicArnSetting,
        KmsSettings.JwtKeySetting, KmsSettings.OtpKeySetting,
        SmtpSettings.HostSetting, SmtpSettings.PortSetting, SmtpSettings.SecuritySetting,
        SmtpSettings.UsernameSetting, SmtpSettings.PasswordParameterSetting, SmtpSettings.FromSetting,
        ObservabilitySettings.NamespaceSetting,
        ServiceSettings.CorsAllowedOriginsSetting,
    ];

    /// <summary>Read by the code but provided by Lambda (region, credentials) or meant only for local servers and local mode.</summary>
    private static readonly string[] NotForTheTemplate =
    [
        ServiceSettings.DataDirectorySetting,
        SnsSettings.RegionSetting, SnsSettings.DefaultRegionSetting, SnsSettings.ServiceEndpointSetting, SnsSettings.EndpointSetting,
        KmsSettings.ServiceEndpointSetting, KmsSettings.IgnoreEndpointsSetting,
        DynamoDbClientFactory.ServiceEndpointSetting,
        "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_SHARED_CREDENTIALS_FILE",
        // The password itself never goes into the environment: the template names an SSM SecureString.
        SmtpSettings.PasswordSetting, SsmSmtpPassword.ServiceEndpointSetting, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_ENDPOINT_URL",
    ];

    [Test]
    public void Sets_every_setting_the_code_reads_in_AWS_mode()
    {
        Assert.That(Environment.Keys, Is.SupersetOf(AwsModeSettings));
    }

    [Test]
    public void Sets_nothing_the_code_does_not_read_and_no_local_endpoint()
    {
        Assert.That(Environment.Keys, Is.SubsetOf(AwsModeSettings));
        Assert.That(Environment.Keys.Intersect(NotForTheTemplate), Is.Empty);
    }

    [Test]
    public void The_function_starts_in_AWS_mode_with_the_templates_environment()
    {
        var read = new HashSet<string>(StringComparer.Ordinal);
        var environment = Environment.ToDictionary(e => e.Key, e => Resolve(e.Value), StringComparer.Ordinal);
        // Lambda sets the region itself (a reserved variable).
        environment[SnsSettings.RegionSetting] = "eu-west-1";
        string? Read(string name)
        {
            read.Add(name);
            return environment.GetValueOrDefault(name);
        }

        var settings = ServiceSettings.FromEnvironment(Read);
        Assert.That((settings.Store, settings.Broker, settings.Security, settings.Delivery),
            Is.EqualTo((StoreKind.DynamoDb, BrokerKind.Sns, SecurityKind.Kms, DeliveryKind.Aws)));
        Assert.That(settings.MaxReceiveCount, Is.EqualTo(5));
        // With validation on, as the Lambda bootstrap (which skips it) relies on: every call site builds.
        Assert.DoesNotThrow(() =>
        {
            using var provider = Composition.BuildServiceProvider(settings, LogFormat.None, services => services.AddInfrastructure(settings, Read));
        });

        var unexpected = read.Except(AwsModeSettings).Except(NotForTheTemplate).ToList();
        Assert.That(unexpected, Is.Empty, "a setting read in AWS mode that the template test does not know about");
    }

    /// <summary>The value a reference takes once deployed: parameter defaults, sample names and ARNs for resources.</summary>
    private static string Resolve(object? value)
    {
        if (value is string text)
        {
            return text;
        }

        var samples = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Ref:EventsTable"] = "cleancqrs-EventsTable-1Q2W3E4R5T6Y",
            ["Ref:ReadModelsTable"] = "cleancqrs-ReadModelsTable-7U8I9O0P1A2S",
            ["Ref:GuardsTable"] = "cleancqrs-GuardsTable-3D4F5G6H7J8K",
            ["Ref:EventsTopic"] = "arn:aws:sns:eu-west-1:123456789012:cleancqrs-events.fifo",
            ["GetAtt:JwtSigningKey.Arn"] = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ["GetAtt:OtpMacKey.Arn"] = "arn:aws:kms:eu-west-1:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321",
            ["Ref:SmtpHost"] = "email-smtp.eu-west-1.amazonaws.com",
            ["Ref:SmtpUsername"] = "AKIAIOSFODNN7EXAMPLE",
            ["Ref:SmtpFrom"] = "CleanCqrs <no-reply@example.com>",
        };

        if (Cfn.RefTarget(value) is { } target)
        {
            if (samples.TryGetValue("Ref:" + target, out var sample))
            {
                return sample;
            }

            if (Cfn.Map(Template.Parameters.GetValueOrDefault(target))?.GetValueOrDefault("Default") is string byDefault)
            {
                return byDefault;
            }

            Assert.Fail($"No value for Ref {target}");
        }

        if (Cfn.GetAtt(value) is { } attribute && samples.TryGetValue($"GetAtt:{attribute.Resource}.{attribute.Attribute}", out var arn))
        {
            return arn;
        }

        Assert.Fail($"Cannot resolve {value}");
        return string.Empty;
    }

    /// <summary>Calls only <c>rebuild-projections</c> makes; the operator runs it with <c>OperatorPolicy</c>, not the function's role.</summary>
    private static readonly string[] RebuildOnlyEvents = ["dynamodb:Scan"];

    private static readonly string[] RebuildOnlyReadModels = ["dynamodb:Scan", "dynamodb:BatchWriteItem"];

    private static IEnumerable<Dictionary<string, object?>> RoleStatements() =>
        Cfn.List(Template["FunctionRole"]["Policies"])
            .SelectMany(p => Cfn.List(Cfn.Map(Cfn.Map(p)!["PolicyDocument"])!["Statement"]))
            .Select(s => Cfn.Map(s)!);

    private static IEnumerable<string> Actions(Dictionary<string, object?> statement) => Cfn.List(statement["Action"]).Cast<string>();

    private static HashSet<string> ActionsOn(Func<object?, bool> resource) =>
        [.. RoleStatements().Where(s => Cfn.List(s.GetValueOrDefault("Resource")).Any(resource)).SelectMany(Actions)];

    [Test]
    public void The_role_allows_no_wildcard_action_and_denies_nothing_by_omission()
    {
        var statements = RoleStatements().ToList();
        Assert.That(statements, Is.Not.Empty);
        foreach (var statement in statements)
        {
            Assert.That(statement["Effect"], Is.EqualTo("Allow"));
            Assert.That(statement.ContainsKey("NotAction"), Is.False);
            // The one NotResource: sns:Publish to anything that is not an SNS ARN, i.e. a phone number.
            if (statement.TryGetValue("NotResource", out var notResource))
            {
                Assert.That(Actions(statement), Is.EqualTo(new[] { "sns:Publish" }));
                Assert.That(Cfn.Sub(notResource), Is.EqualTo("arn:${AWS::Partition}:sns:*:*:*"));
            }

            Assert.That(Actions(statement), Has.None.Contains("*"), $"statement {statement.GetValueOrDefault("Sid")}");
        }

        Assert.That(Template["FunctionRole"]["ManagedPolicyArns"], Is.Null, "managed policies grant more than the adapters call");
    }

    [Test]
    public void The_role_grants_on_each_table_exactly_the_calls_its_store_makes()
    {
        var events = SdkCalls("src/Infrastructure/DynamoDb/DynamoDbEventStore.cs", "client").Select(c => "dynamodb:" + c);
        var readModels = SdkCalls("src/Infrastructure/DynamoDb/DynamoDbReadModelStore.cs", "client").Select(c => "dynamodb:" + c);

        Assert.That(ActionsOn(r => Cfn.IsArnOf(r, "EventsTable")), Is.EquivalentTo(events.Except(RebuildOnlyEvents)));
        Assert.That(ActionsOn(r => Cfn.IsArnOf(r, "ReadModelsTable")), Is.EquivalentTo(readModels.Except(RebuildOnlyReadModels)));
        Assert.That(ActionsOn(r => Cfn.Sub(r) == $"${{EventsTable.Arn}}/index/{EventsTable.OutboxIndex}"), Is.EquivalentTo(new[] { "dynamodb:Query" }),
            "the sweeper queries the outbox index");
        Assert.That(ActionsOn(r => Cfn.Sub(r) == $"${{EventsTable.Arn}}/index/{EventsTable.LegacyPendingIndex}"), Is.EquivalentTo(new[] { "dynamodb:Query" }),
            "and drains the index of builds before the shards while it exists");
        Assert.That(ActionsOn(r => Cfn.IsArnOf(r, "GuardsTable")), Is.EquivalentTo(GuardCalls()));
    }

    private static IEnumerable<string> GuardCalls() =>
        new[] { "DynamoDbRateLimiter.cs", "DynamoDbIdempotencyStore.cs", "DynamoDbEffectClaims.cs" }
            .SelectMany(file => SdkCalls("src/Infrastructure/DynamoDb/" + file, "client"))
            .Select(c => "dynamodb:" + c)
            .Distinct(StringComparer.Ordinal);

    [Test]
    public void The_role_grants_on_each_key_exactly_the_calls_its_adapter_makes()
    {
        var jwt = SdkCalls("src/Infrastructure/Security/Kms/KmsJwtSigningKey.cs", "kms").Select(c => "kms:" + c);
        var otp = SdkCalls("src/Infrastructure/Security/Kms/KmsOtpSecret.cs", "kms").Select(c => "kms:" + c);

        Assert.That(ActionsOn(r => Cfn.IsArnOf(r, "JwtSigningKey")), Is.EquivalentTo(jwt));
        Assert.That(ActionsOn(r => Cfn.IsArnOf(r, "OtpMacKey")), Is.EquivalentTo(otp));
    }

    [Test]
    public void The_role_may_publish_to_the_topic_and_send_SMS_and_nothing_else_on_SNS()
    {
        // SNS authorises Publish and PublishBatch with the one action sns:Publish.
        var calls = SnsQueryActions().Select(a => a == "PublishBatch" ? "Publish" : a).Distinct().Select(a => "sns:" + a);
        Assert.That(ActionsOn(r => Cfn.IsRef(r, "EventsTopic")), Is.EquivalentTo(calls));

        // An SMS to a phone number has no resource ARN: allowed on everything that is not an SNS ARN.
        var sms = RoleStatements().Where(s => s.ContainsKey("NotResource")).ToList();
        Assert.That(sms.SelectMany(Actions), Is.EquivalentTo(new[] { "sns:Publish" }));
        Assert.That(sms.Select(s => Cfn.Sub(s["NotResource"])), Is.EqualTo(new[] { "arn:${AWS::Partition}:sns:*:*:*" }));

        // Only X-Ray, which has no resource ARNs, is granted on "*".
        var unscoped = RoleStatements().Where(s => Cfn.List(s.GetValueOrDefault("Resource")).Contains("*")).ToList();
        Assert.That(unscoped.SelectMany(Actions), Is.EquivalentTo(new[] { "xray:PutTraceSegments", "xray:PutTelemetryRecords" }));
    }

    [Test]
    public void The_role_may_consume_the_queue_and_write_its_own_log_group()
    {
        // What the SQS event source mapping needs (it polls with the function's role).
        Assert.That(ActionsOn(r => Cfn.IsGetAtt(r, "EventsQueue", "Arn")),
            Is.EquivalentTo(new[] { "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes" }));
        Assert.That(ActionsOn(r => Cfn.Sub(r) == "${FunctionLogGroup.Arn}:*"), Is.EquivalentTo(new[] { "logs:CreateLogStream", "logs:PutLogEvents" }));
    }

    [Test]
    public void The_role_grants_nothing_beyond_those()
    {
        var expected = SdkCalls("src/Infrastructure/DynamoDb/DynamoDbEventStore.cs", "client")
            .Concat(SdkCalls("src/Infrastructure/DynamoDb/DynamoDbReadModelStore.cs", "client"))
            .Select(c => "dynamodb:" + c)
            .Except(RebuildOnlyEvents.Intersect(RebuildOnlyReadModels))
            .Concat(GuardCalls())
            .Concat(SdkCalls("src/Infrastructure/Security/Kms/KmsJwtSigningKey.cs", "kms").Select(c => "kms:" + c))
            .Concat(SdkCalls("src/Infrastructure/Security/Kms/KmsOtpSecret.cs", "kms").Select(c => "kms:" + c))
            .Append("sns:Publish")
            .Concat(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "logs:CreateLogStream", "logs:PutLogEvents"])
            .Concat(["ssm:GetParameter", "xray:PutTraceSegments", "xray:PutTelemetryRecords"])
            .Where(a => !RebuildOnlyReadModels.Contains(a))
            .ToHashSet(StringComparer.Ordinal);
        Assert.That(RoleStatements().SelectMany(Actions).ToHashSet(StringComparer.Ordinal), Is.EquivalentTo(expected));
    }

    [Test]
    public void The_source_scan_finds_the_calls_it_is_meant_to_find()
    {
        Assert.That(SdkCalls("src/Infrastructure/DynamoDb/DynamoDbEventStore.cs", "client"), Is.SupersetOf(new[] { "PutItem", "Query" }));
        Assert.That(SdkCalls("src/Infrastructure/Security/Kms/KmsJwtSigningKey.cs", "kms"), Does.Contain("Sign"));
        Assert.That(SnsQueryActions(), Does.Contain("Publish"));
    }

    /// <summary>The SDK operations called on <paramref name="receiver"/> in one adapter file, e.g. <c>client.PutItemAsync(</c>.</summary>
    private static HashSet<string> SdkCalls(string file, string receiver) =>
        // The receiver is a field (_client) or a primary-constructor parameter (client).
        [.. Regex.Matches(RepositoryFiles.Read(file), $@"(?<!\w)_?{receiver}\.(\w+)Async\(").Select(m => m.Groups[1].Value)];

    private static HashSet<string> SnsQueryActions() =>
        [.. SnsQuery().Matches(RepositoryFiles.Read("src/Infrastructure/Messaging/Sns/SnsClient.cs")).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("""new SnsQuery\("(\w+)"\)""")]
    private static partial Regex SnsQuery();

    private static IEnumerable<string> References(object? node)
    {
        switch (node)
        {
            case Dictionary<string, object?> map:
                if (Cfn.RefTarget(map) is { } target)
                {
                    yield return target;
                }

                if (Cfn.GetAtt(map) is { } attribute)
                {
                    yield return attribute.Resource;
                }

                if (Cfn.Sub(map) is { } text)
                {
                    foreach (Match match in SubVariable().Matches(text))
                    {
                        yield return match.Groups[1].Value;
                    }
                }

                foreach (var child in map.Values.SelectMany(References))
                {
                    yield return child;
                }

                break;
            case List<object?> list:
                foreach (var child in list.SelectMany(References))
                {
                    yield return child;
                }

                break;
        }
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z0-9]+)?\}")]
    private static partial Regex SubVariable();
}
