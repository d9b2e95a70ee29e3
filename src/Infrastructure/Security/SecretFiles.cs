namespace CleanCqrs.Infrastructure.Security;

/// <summary>
/// Small secret files in the data directory (the JWT signing key, the OTP key), created on first
/// use. Creation is safe when several processes start at once on one data directory: each writes a
/// private temporary file and moves it into place without overwriting, so the first one wins and
/// everyone reads the winner's content. A reader never sees a half-written file.
/// </summary>
internal static class SecretFiles
{
    public static byte[] ReadOrCreate(string path, Func<byte[]> generate)
    {
        if (TryRead(path, out var existing))
        {
            return existing;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            WriteOwnerOnly(temporary, generate());
            try
            {
                // No-clobber move (link + unlink on Unix): atomic, and fails if another process got there first.
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Lost the race; the winner's file is complete, read it below.
            }
        }
        finally
        {
            File.Delete(temporary);
        }

        return TryRead(path, out var created)
            ? created
            : throw new IOException($"The secret file '{path}' could not be created.");
    }

    private static bool TryRead(string path, out byte[] content)
    {
        try
        {
            content = File.ReadAllBytes(path);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            content = [];
            return false;
        }
    }

    private static void WriteOwnerOnly(string path, byte[] content)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }
}
