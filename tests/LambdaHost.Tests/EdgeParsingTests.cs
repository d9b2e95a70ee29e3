using System.Text;
using System.Text.Json;
using CleanCqrs.LambdaHost.Http;
using CleanCqrs.LambdaHost.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>The small parsers of the edge, where a table of cases says more than a flow.</summary>
public sealed class EdgeParsingTests
{
    [TestCase("*", true, new string[0])]
    [TestCase(" * ", true, new string[0])]
    [TestCase("\"1\"", false, new[] { "1" })]
    [TestCase("\"1\", W/\"2\" ,\"x\"", false, new[] { "1", "W/2", "x" })]
    [TestCase(",,\"1\",,", false, new[] { "1" })]
    [TestCase("", false, new string[0])]
    public void Entity_tag_lists_parse(string value, bool any, string[] tags)
    {
        Assert.That(EntityTagCondition.TryParse(value, out var condition), Is.True);
        Assert.That(condition.IsAny, Is.EqualTo(any));
        Assert.That(condition.Tags.Select(t => (t.IsWeak ? "W/" : string.Empty) + t.Opaque), Is.EqualTo(tags));
    }

    [TestCase("1")]
    [TestCase("\"1")]
    [TestCase("\"a b\"")]
    [TestCase("*, \"1\"")]
    [TestCase("\"1\" \"2\"")]
    [TestCase("w/\"1\"")]
    public void Malformed_entity_tag_lists_do_not_parse(string value) =>
        Assert.That(EntityTagCondition.TryParse(value, out _), Is.False);

    [Test]
    public void Strong_versions_are_the_canonical_integers_of_strong_tags()
    {
        Assert.That(EntityTagCondition.TryParse("\"3\", W/\"4\", \"05\", \"x\", \"3\", \"99999999999999999999\", \"0\"", out var condition), Is.True);

        Assert.That(condition.StrongVersions(), Is.EqualTo(new long[] { 3, 0 }));
        Assert.That(condition.MatchesStrongly(4), Is.False);
        Assert.That(condition.MatchesWeakly(4), Is.True);
    }

    [TestCase("$.name", "name")]
    [TestCase("$['first name']", "first name")]
    [TestCase("$.description[0]", "description")]
    [TestCase("$.a.b", "a")]
    [TestCase("$", "body")]
    [TestCase(null, "body")]
    public void Json_paths_name_the_top_level_field(string? path, string field) =>
        Assert.That(RequestBody.FieldOf(path), Is.EqualTo(field));

    [Test]
    public void Retry_after_is_whole_seconds_rounded_up_and_at_least_one()
    {
        Assert.That(Problems.RetryAfterSeconds(TimeSpan.FromSeconds(19.01)), Is.EqualTo("20"));
        Assert.That(Problems.RetryAfterSeconds(TimeSpan.FromSeconds(20)), Is.EqualTo("20"));
        Assert.That(Problems.RetryAfterSeconds(TimeSpan.FromMilliseconds(1)), Is.EqualTo("1"));
        Assert.That(Problems.RetryAfterSeconds(TimeSpan.Zero), Is.EqualTo("1"));
    }

    [Test]
    public void Rest_api_response_puts_repeated_headers_in_multi_value_headers()
    {
        var response = HttpResponseData.Empty(204).WithHeader("Vary", "Origin").WithHeader("Set-Cookie", "a=1").WithHeader("Set-Cookie", "b=2");

        var rest = ApiGatewayMapping.ToRestApi(response);
        var http = ApiGatewayMapping.ToHttpApi(response);

        Assert.That(rest.Headers, Is.EquivalentTo(new Dictionary<string, string> { ["Vary"] = "Origin" }));
        Assert.That(rest.MultiValueHeaders!["Set-Cookie"], Is.EqualTo(new[] { "a=1", "b=2" }));
        Assert.That(http.Headers, Is.EquivalentTo(new Dictionary<string, string> { ["Vary"] = "Origin" }));
        Assert.That(http.Cookies, Is.EqualTo(new[] { "a=1", "b=2" }));
    }

    [Test]
    public void Raw_query_keeps_repeated_parameters_apart_and_decodes_them()
    {
        var query = ApiGatewayMapping.ParseQuery("parameter1=value1&parameter1=value2&a%20b=c+d&flag");

        Assert.That(query["parameter1"], Is.EqualTo(new[] { "value1", "value2" }));
        Assert.That(query["a b"], Is.EqualTo(new[] { "c d" }));
        Assert.That(query["flag"], Is.EqualTo(new[] { string.Empty }));
    }

    [Test]
    public void Json_lines_logger_writes_one_object_per_line_with_scope_and_fields()
    {
        using var output = new MemoryStream();
        using (var provider = new JsonLinesLoggerProvider(output, new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero))))
        {
            var logger = provider.CreateLogger("Test");
            using (logger.BeginScope(new Dictionary<string, object?> { ["AwsRequestId"] = "req-1" }))
            {
                logger.LogInformation("Handled {Count} in {Route}", 3, "GET /x");
                logger.LogInformation("Odd values {Big} {NotANumber}", ulong.MaxValue, double.NaN);
            }

            logger.LogError(new InvalidOperationException("boom"), "Failed");
        }

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        using var first = JsonDocument.Parse(lines[0]);
        Assert.That(first.RootElement.GetProperty("timestamp").GetString(), Is.EqualTo("2026-11-27T09:00:00.000Z"));
        Assert.That(first.RootElement.GetProperty("level").GetString(), Is.EqualTo("INFO"));
        Assert.That(first.RootElement.GetProperty("message").GetString(), Is.EqualTo("Handled 3 in GET /x"));
        Assert.That(first.RootElement.GetProperty("function_request_id").GetString(), Is.EqualTo("req-1"));
        Assert.That(first.RootElement.GetProperty("Count").GetInt64(), Is.EqualTo(3));
        using var odd = JsonDocument.Parse(lines[1]);
        Assert.That(odd.RootElement.GetProperty("Big").GetUInt64(), Is.EqualTo(ulong.MaxValue));
        Assert.That(odd.RootElement.GetProperty("NotANumber").GetString(), Is.EqualTo("NaN"));
        using var second = JsonDocument.Parse(lines[2]);
        Assert.That(second.RootElement.TryGetProperty("function_request_id", out _), Is.False);
        Assert.That(second.RootElement.GetProperty("exception").GetString(), Does.Contain("boom"));
    }
}
