using CleanCqrs.TestSupport;

namespace CleanCqrs.LambdaHost.Tests.EndToEnd;

/// <summary>
/// One dynalite for every end-to-end test that runs on the DynamoDB store, started by the first of
/// them and stopped after the last test of this namespace.
/// </summary>
[SetUpFixture]
public sealed class EndToEndDynalite
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static DynaliteServer? _server;

    public static async Task<Uri> EndpointAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _server ??= await DynaliteServer.StartAsync();
            return _server.Endpoint;
        }
        finally
        {
            Gate.Release();
        }
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _server?.Dispose();
        _server = null;
    }
}
