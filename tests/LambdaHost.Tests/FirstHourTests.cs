using System.Text.RegularExpressions;
using CleanCqrs.Infrastructure.Configuration;
using CleanCqrs.LambdaHost.Local;
using CleanCqrs.LambdaHost.Tests.Deploy;

namespace CleanCqrs.LambdaHost.Tests;

/// <summary>What a new user meets first: a bad data directory, <c>--help</c>, the data directory's permissions.</summary>
[NonParallelizable]
public sealed partial class FirstHourTests
{
    private string _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = Directory.CreateTempSubdirectory("cleancqrs-first-hour-").FullName;

    [TearDown]
    public void RemoveScratch() => Directory.Delete(_scratch, recursive: true);

    [TestCase("missing-parent/data", "its parent directory", TestName = "A data directory whose parent is missing: one line, exit 2")]
    [TestCase("a-file", "is a file, not a directory", TestName = "A data directory that is a file: one line, exit 2")]
    public async Task A_bad_data_directory_is_one_line_naming_it_and_exit_2(string relative, string problem)
    {
        File.WriteAllText(Path.Combine(_scratch, "a-file"), "not a directory");
        var dataDir = Path.Combine(_scratch, relative);

        var (exit, output, error) = await RunAsync(["--data-dir", dataDir]);

        Assert.That(exit, Is.EqualTo(Program.ExitUsage));
        Assert.That(output, Is.Empty, "no start banner");
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Contain("--data-dir").And.Contain(dataDir).And.Contain(problem));
    }

    [Test]
    public async Task An_unwritable_data_directory_is_one_line_naming_it_and_exit_2()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("/proc is Linux's.");
        }

        // A directory nobody can create files in, root included.
        var (exit, _, error) = await RunAsync(["--data-dir", "/proc/self", "rebuild-projections"]);

        Assert.That(exit, Is.EqualTo(Program.ExitUsage));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Contain("/proc/self").And.Contain("is not writable"));
    }

    [Test]
    public async Task The_environment_variable_is_named_when_it_gave_the_directory()
    {
        var (exit, _, error) = await RunAsync([], new Dictionary<string, string?> { [ServiceSettings.DataDirectorySetting] = "/nonexistent-parent/data" });

        Assert.That(exit, Is.EqualTo(Program.ExitUsage));
        Assert.That(error, Does.StartWith($"Configuration error: {ServiceSettings.DataDirectorySetting} '/nonexistent-parent/data'"));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_data_directory_is_made_private_and_so_is_every_file_in_it()
    {
        var dataDir = Path.Combine(_scratch, "data");
        Directory.CreateDirectory(dataDir);
        File.SetUnixFileMode(dataDir, (UnixFileMode)0b111_111_111);
        var earlier = Path.Combine(dataDir, "events.db");
        File.WriteAllText(earlier, "left by an older version");
        File.SetUnixFileMode(earlier, (UnixFileMode)0b110_110_110);

        DataDirectory.Prepare(dataDir, "--data-dir");
        var created = Path.Combine(dataDir, "created-after.txt");
        File.WriteAllText(created, "x");

        Assert.That(File.GetUnixFileMode(dataDir), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(earlier), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(created) & (UnixFileMode)0b000_111_111, Is.EqualTo(UnixFileMode.None), "the umask is 077 from now on");
    }

    [Test]
    public async Task Help_lists_urls_and_every_environment_variable_of_the_readme()
    {
        var (exit, output, _) = await RunAsync(["--help"]);

        Assert.That(exit, Is.EqualTo(Program.ExitOk));
        Assert.That(output, Does.Contain("--urls").And.Contain("--data-dir").And.Contain("rebuild-projections").And.Contain("provision"));
        var readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));
        var table = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", table.IndexOf('|'), StringComparison.Ordinal)];
        var variables = VariableName().Matches(table).Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.That(variables, Has.Length.GreaterThan(15), "the README's configuration table was read");
        Assert.That(variables.Where(v => !output.Contains(v, StringComparison.Ordinal)), Is.Empty, "variables --help does not name");
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(
        string[] args, Dictionary<string, string?>? environment = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Program.RunCommandLineAsync(
            args, output, error, name => environment?.GetValueOrDefault(name), CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`")]
    private static partial Regex VariableName();
}
