namespace CleanCqrs.LambdaHost.Tests.Deploy;

/// <summary>
/// deploy/template.yaml against the CloudFormation resource schemas AWS publishes (npm
/// @aws-cdk/aws-service-spec, pinned in tools/cfn-schema), and broken copies of it that must fail.
/// </summary>
public sealed class TemplateSchemaTests
{
    private static readonly Lazy<string> Text = new(() => RepositoryFiles.Read("deploy/template.yaml"));

    private static CloudFormationSchemas Schemas => CloudFormationSchemas.Instance;

    [Test]
    public void The_template_matches_the_published_resource_schemas()
    {
        Assert.That(Validate(Text.Value), Is.Empty);
    }

    [Test]
    public void The_schemas_know_the_resource_types_the_template_uses()
    {
        // Guards the validator itself: a database that failed to load would find nothing wrong.
        Assert.Multiple(() =>
        {
            Assert.That(Schemas.Resource("AWS::Lambda::Function")!.Properties, Does.ContainKey("LoggingConfig"));
            Assert.That(Schemas.Resource("AWS::DynamoDB::Table")!.Attributes, Does.Contain("Arn"));
            Assert.That(Schemas.Resource("AWS::Lambda::Functio"), Is.Null);
        });
    }

    private static IEnumerable<TestCaseData> BrokenCopies()
    {
        yield return Broken("a misspelt nested property", "PointInTimeRecoveryEnabled:", "PointInTimeRecoveryEnable:", "PointInTimeRecoverySpecification.PointInTimeRecoveryEnable");
        yield return Broken("a misspelt property two levels down", "LogFormat: JSON", "LogFormt: JSON", "LoggingConfig.LogFormt");
        yield return Broken("a misspelt top-level property", "MemorySize:", "MemorySise:", "Function.Properties.MemorySise");
        yield return Broken("an unknown resource type", "Type: AWS::SQS::QueuePolicy", "Type: AWS::SQS::QueuePolicies", "AWS::SQS::QueuePolicies");
        yield return Broken("a missing required property", "      Role: { 'Fn::GetAtt': [FunctionRole, Arn] }\n", "", "Function.Properties.Role: required");
        yield return Broken("a GetAtt of an attribute the type lacks", "'Fn::GetAtt': [HttpApi, ApiEndpoint]", "'Fn::GetAtt': [HttpApi, Endpoint]", "has no attribute Endpoint");
        yield return Broken("a Ref to nothing", "Ref: EventsTopic }", "Ref: EventTopic }", "Ref EventTopic names no resource");
        yield return Broken("a Sub of an unknown attribute", "${FunctionLogGroup.Arn}", "${FunctionLogGroup.Arns}", "has no attribute Arns");
        yield return Broken("a list where an object belongs", "TracingConfig:\n        Mode: Active", "TracingConfig:\n        - Mode: Active", "TracingConfig: must be an object");
        yield return Broken("a misspelt deletion policy", "DeletionPolicy: Retain", "DeletionPolicy: Retains", "DeletionPolicy: 'Retains'");

        static TestCaseData Broken(string what, string find, string replace, string reported) =>
            new TestCaseData(find, replace, reported).SetName($"A broken copy with {what} fails");
    }

    [TestCaseSource(nameof(BrokenCopies))]
    public void Broken_copy_fails(string find, string replace, string reported)
    {
        Assert.That(Text.Value, Does.Contain(find), "the template changed: pick another place to break");
        var copy = Path.Combine(Path.GetTempPath(), $"cleancqrs-template-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(copy, ReplaceFirst(Text.Value, find, replace));
        try
        {
            Assert.That(TemplateSchemaValidator.Validate(CloudFormationTemplate.Load(copy), Schemas), Has.Some.Contains(reported));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static IReadOnlyList<string> Validate(string text)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"cleancqrs-template-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(copy, text);
        try
        {
            return TemplateSchemaValidator.Validate(CloudFormationTemplate.Load(copy), Schemas);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replace + text[(at + find.Length)..];
    }
}
