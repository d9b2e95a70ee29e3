using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using CleanCqrs.Infrastructure.Configuration;

namespace CleanCqrs.LambdaHost.Local;

/// <summary>
/// Local mode's data directory (SQLite files, key files, the dev mailbox): checked before anything
/// opens it, so that a bad one is one clear line naming it (exit 2), and private to its owner
/// (SPEC 5.3): the directory 0700 and every file in it 0600, whatever the umask.
/// </summary>
public static partial class DataDirectory
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates <paramref name="path"/> if only its last segment is missing, checks it is a writable
    /// directory, makes it and every file in it owner-only, and sets this process's umask to 077 so
    /// that what the stores create later (SQLite's <c>-wal</c> and <c>-shm</c> files included) is
    /// owner-only too. <paramref name="setting"/> names where the path came from in the error.
    /// </summary>
    /// <exception cref="SettingsException">The directory cannot be used; the message says why.</exception>
    public static void Prepare(string path, string setting)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new SettingsException(setting, $"'{path}' is a file, not a directory");
        }

        if (!Directory.Exists(full))
        {
            var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(full));
            if (parent is not null && !Directory.Exists(parent))
            {
                throw new SettingsException(setting, $"'{path}' cannot be created: its parent directory {parent} does not exist");
            }

            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(full);
                }
                else
                {
                    Directory.CreateDirectory(full, DirectoryMode);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SettingsException(setting, $"'{path}' cannot be created ({ex.Message.TrimEnd('.')})");
            }
        }

        var probe = Path.Combine(full, $".write-test-{Environment.ProcessId}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException(setting, $"'{path}' is not writable ({ex.Message.TrimEnd('.')})");
        }

        if (!OperatingSystem.IsWindows())
        {
            MakePrivate(full);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void MakePrivate(string directory)
    {
        _ = SetUmask(0b000_111_111); // 077: whatever this process creates from now on is owner-only
        File.SetUnixFileMode(directory, DirectoryMode);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            try
            {
                File.SetUnixFileMode(file, FileMode);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SettingsException("data directory", $"file {file} cannot be made private to its owner ({ex.Message.TrimEnd('.')})");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetUmask(uint mask);
}
