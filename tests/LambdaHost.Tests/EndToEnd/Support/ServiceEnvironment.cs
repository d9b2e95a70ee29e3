using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.Infrastructure.DynamoDb;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd.Support;

/// <summary>Which event store and read-model store an end-to-end test runs on; the broker is the in-process one either way.</summary>
public enum StoreUnderTest
{
    Sqlite,
    DynamoDb,
}

/// <summary>
/// The environment variables a local-mode process would see (never the test process's own), for one
/// data directory and store. On DynamoDB each environment gets fresh, provisioned tables on dynalite.
/// </summary>
public sealed class ServiceEnvironment
{
    private readonly Dictionary<string, string> _variables;

    private ServiceEnvironment(StoreUnderTest store, Dictionary<string, string> variables)
    {
        Store = store;
        _variables = variables;
    }

    public StoreUnderTest Store { get; }

    public string DataDirectory => _variables["CLEANCQRS_DATA_DIR"];

    public static async Task<ServiceEnvironment> CreateAsync(StoreUnderTest store, string dataDirectory)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CLEANCQRS_DATA_DIR"] = dataDirectory,
            ["CLEANCQRS_STORE"] = store == StoreUnderTest.DynamoDb ? "dynamodb" : "sqlite",
            ["CLEANCQRS_BROKER"] = "inproc",
            ["CLEANCQRS_SECURITY"] = "local",
            ["CLEANCQRS_DELIVERY"] = "mailbox",
        };
        if (store == StoreUnderTest.DynamoDb)
        {
            var suffix = Guid.NewGuid().ToString("N")[..12];
            variables[DynamoDbClientFactory.ServiceEndpointSetting] = (await EndToEndDynalite.EndpointAsync()).AbsoluteUri;
            // Dummy credentials for the local server, whatever this machine has configured.
            variables["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials";
            variables[DynamoDbTableNames.EventsSetting] = $"e2e-events-{suffix}";
            variables[DynamoDbTableNames.ReadModelsSetting] = $"e2e-read-models-{suffix}";
        }

        var environment = new ServiceEnvironment(store, variables);
        if (store == StoreUnderTest.DynamoDb)
        {
            using var client = DynamoDbClientFactory.Create(environment.Read);
            await DynamoDbProvisioner.EnsureTablesAsync(client, DynamoDbTableNames.FromEnvironment(environment.Read), CancellationToken.None);
        }

        return environment;
    }

    public string? Read(string name) => _variables.GetValueOrDefault(name);

    /// <summary>The settings local mode would start with in this environment.</summary>
    public ServiceSettings Settings() => ServiceSettings.FromEnvironment(Read);
}
