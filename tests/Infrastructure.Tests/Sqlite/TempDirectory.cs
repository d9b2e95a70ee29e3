using Microsoft.Data.Sqlite;

namespace CleanCqrs.Infrastructure.Tests.Sqlite;

/// <summary>A fresh data directory for one test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cleancqrs-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the test that used it; the temp folder is cleaned eventually.
        }
    }
}
