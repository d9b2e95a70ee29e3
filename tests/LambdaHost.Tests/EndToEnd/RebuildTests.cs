using CleanCqrs.Application.Common.Ports;
using CleanCqrs.Application.Orgs.Projections;
using CleanCqrs.LambdaHost.Tests.EndToEnd.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd;

/// <summary>
/// SPEC sections 3 and 4: <c>rebuild-projections</c> replays the event store into fresh read models,
/// run as the operator runs it (the same command line, the server stopped).
/// </summary>
[TestFixture(StoreUnderTest.Sqlite)]
[TestFixture(StoreUnderTest.DynamoDb)]
public sealed class RebuildTests(StoreUnderTest store)
{
    private TemporaryDataDirectory _data = null!;
    private ServiceEnvironment _environment = null!;
    private string[] _orgIds = [];
    private Dictionary<string, ApiResponse> _before = [];

    [SetUp]
    public async Task SetUp()
    {
        _data = new TemporaryDataDirectory();
        _environment = await ServiceEnvironment.CreateAsync(store, _data.Path);

        await using var service = await LocalService.StartAsync(_environment);
        var api = service.Api;
        var (firstToken, first) = await api.SignInAsync(_data.Path, "rebuild-one@example.com");
        var (secondToken, second) = await api.SignInAsync(_data.Path, "rebuild-two@example.com");
        await api.CreateOrgAsync(firstToken, """{"name":"One","location":"Kuala Lumpur","description":"First\nof two"}""");
        var updated = await api.SendAsync(HttpMethod.Put, $"/orgs/{first}", """{"name":"One Sdn Bhd","location":"Penang"}""", firstToken);
        Assert.That(updated.Status, Is.EqualTo(200), updated.ToString());
        await api.CreateOrgAsync(secondToken, """{"name":"Two","location":"Phnom Penh","description":"Second"}""");

        _orgIds = [first, second];
        _before = new Dictionary<string, ApiResponse>
        {
            [first] = await api.WaitForOrgAsync(first, 2),
            [second] = await api.WaitForOrgAsync(second, 1),
        };
    }

    [TearDown]
    public void TearDown() => _data.Dispose();

    [Test]
    public async Task Rebuild_with_the_server_stopped_reports_progress_and_leaves_the_read_models_as_they_were()
    {
        var (exit, output, error) = await RebuildAsync();

        Assert.That(exit, Is.EqualTo(Program.ExitOk), error);
        // Four streams: two OTP streams and two org streams, of which the org projection folds two.
        Assert.That(output, Does.Contain("Rebuilt the read models: 4 streams scanned, 2 projected."));
        await AssertReadModelsAsBeforeAsync();
    }

    [Test]
    public async Task Rebuild_restores_read_models_that_were_deleted()
    {
        await using (var services = LocalService.BuildProvider(_environment))
        {
            await services.GetRequiredService<IReadModelStore<OrgReadModel>>().ClearAsync(CancellationToken.None);
        }

        await using (var service = await LocalService.StartAsync(_environment))
        {
            foreach (var id in _orgIds)
            {
                var gone = await service.Api.GetAsync($"/orgs/{id}");
                Assert.That(gone.Status, Is.EqualTo(404), gone.ToString());
            }
        }

        var (exit, _, error) = await RebuildAsync();

        Assert.That(exit, Is.EqualTo(Program.ExitOk), error);
        await AssertReadModelsAsBeforeAsync();
    }

    private async Task<(int Exit, string Output, string Error)> RebuildAsync()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Program.RunCommandLineAsync(
            ["rebuild-projections", "--data-dir", _data.Path], output, error, _environment.Read, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task AssertReadModelsAsBeforeAsync()
    {
        await using var service = await LocalService.StartAsync(_environment);
        foreach (var id in _orgIds)
        {
            var after = await service.Api.GetAsync($"/orgs/{id}");
            Assert.That(after.Status, Is.EqualTo(200), after.ToString());
            Assert.That(after.Body, Is.EqualTo(_before[id].Body));
            Assert.That(after.Header("ETag"), Is.EqualTo(_before[id].Header("ETag")));
        }
    }
}

/// <summary>An operator command that cannot reach its store says so and exits 1, without a stack trace.</summary>
[TestFixture(StoreUnderTest.Sqlite)]
[TestFixture(StoreUnderTest.DynamoDb)]
public sealed class RebuildFailureTests(StoreUnderTest store)
{
    [Test]
    public async Task Rebuild_on_a_store_it_cannot_use_fails_with_a_message()
    {
        using var data = new TemporaryDataDirectory();
        var environment = await ServiceEnvironment.CreateAsync(store, data.Path);
        string dataDirectory;
        Func<string, string?> read;
        if (store == StoreUnderTest.Sqlite)
        {
            // A file where the data directory should be: SQLite cannot open anything under it.
            dataDirectory = data.File("not-a-directory");
            await File.WriteAllTextAsync(dataDirectory, "x");
            read = environment.Read;
        }
        else
        {
            dataDirectory = data.Path;
            read = name => name == Infrastructure.DynamoDb.DynamoDbTableNames.EventsSetting ? "never-provisioned" : environment.Read(name);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Program.RunCommandLineAsync(
            ["rebuild-projections", "--data-dir", dataDirectory], output, error, read, CancellationToken.None);

        if (store == StoreUnderTest.Sqlite)
        {
            // The data directory is checked before the store opens it: a settings error, exit 2 (issue 12).
            Assert.That(exit, Is.EqualTo(Program.ExitUsage), output.ToString());
            Assert.That(error.ToString(), Does.StartWith("Configuration error: --data-dir").And.Contain("is a file, not a directory"));
            return;
        }

        Assert.That(exit, Is.EqualTo(Program.ExitFailure), output.ToString());
        Assert.That(error.ToString(), Does.StartWith("Rebuilding the read models failed: "));
    }
}
