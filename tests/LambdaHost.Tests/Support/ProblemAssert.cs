using System.Text.Json.Nodes;

namespace CleanCqrs.LambdaHost.Tests.Support;

public static class ProblemAssert
{
    /// <summary>An RFC 9457 problem with the given status: the media type and the four members every problem carries.</summary>
    public static JsonObject IsProblem(ApiResponse response, int status, string? typeSuffix = null)
    {
        Assert.That(response.Status, Is.EqualTo(status), response.ToString());
        Assert.That(response.Header("Content-Type"), Is.EqualTo("application/problem+json"));
        var problem = response.Json!.AsObject();
        Assert.That(problem["type"]!.GetValue<string>(), Does.StartWith("urn:cleancqrs:problem:"));
        if (typeSuffix is not null)
        {
            Assert.That(problem["type"]!.GetValue<string>(), Is.EqualTo("urn:cleancqrs:problem:" + typeSuffix));
        }

        Assert.That(problem["title"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(status));
        Assert.That(problem["detail"]!.GetValue<string>(), Is.Not.Empty);
        return problem;
    }

    /// <summary>A 400 whose <c>errors</c> names <paramref name="field"/>; returns its messages.</summary>
    public static string[] IsValidationProblem(ApiResponse response, string field)
    {
        var problem = IsProblem(response, 400, "validation");
        var errors = problem["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Does.Contain(field), problem.ToJsonString());
        return [.. errors[field]!.AsArray().Select(m => m!.GetValue<string>())];
    }
}
