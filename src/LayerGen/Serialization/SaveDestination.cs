using System;
using System.IO;

namespace LayerGen;

/// <summary>
/// What an atomic save (a temporary file renamed over the target) must check itself, because a rename
/// does not ask the target: the OS lets it replace a read-only file, and the new file would get the
/// umask's permissions instead of the old file's. <see cref="File.WriteAllBytes(string, byte[])"/>, which
/// rewrites the file in place, refuses the first and keeps the second; so do saves that go through here.
/// </summary>
/// <remarks>
/// Read-only is decided from the file's own flags, not by asking the OS to open it, so that the answer is
/// the same for every user, root included (root may write to any file): on Unix a file or folder with no
/// write bit for anyone (<c>chmod a-w</c>), on Windows a file with the ReadOnly attribute (Windows ignores
/// that attribute on folders).
/// </remarks>
internal static class SaveDestination
{
    private const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Throws if <paramref name="target"/> (a full path) is a read-only file or sits in a read-only folder;
    /// returns the existing file's Unix mode, for the replacement to take over (null: no file, or Windows).
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The file or its folder is read-only (the message names the file).</exception>
    public static UnixFileMode? Check(string target, string folder)
    {
        if (!OperatingSystem.IsWindows() && Directory.Exists(folder) && (new DirectoryInfo(folder).UnixFileMode & AnyWrite) == 0)
        {
            throw new UnauthorizedAccessException(
                $"Access to the path '{target}' is denied: its folder '{folder}' is read-only (no write permission for anyone), and a save writes a temporary file there before renaming it over the target.");
        }

        if (!File.Exists(target))
        {
            return null;
        }

        if (OperatingSystem.IsWindows())
        {
            if ((File.GetAttributes(target) & FileAttributes.ReadOnly) != 0)
            {
                throw new UnauthorizedAccessException($"Access to the path '{target}' is denied: the file is read-only (its ReadOnly attribute is set).");
            }

            return null;
        }

        UnixFileMode mode = File.GetUnixFileMode(target);
        if ((mode & AnyWrite) == 0)
        {
            throw new UnauthorizedAccessException($"Access to the path '{target}' is denied: the file is read-only (no write permission for anyone).");
        }

        return mode;
    }

    /// <summary>
    /// The failure to create the temporary file <paramref name="temporary"/>, as an exception of the same
    /// kind that names the destination <paramref name="target"/> (the only path the caller knows), with the
    /// original failure inside; null for an exception that is not about the file system.
    /// </summary>
    public static Exception? NamingTarget(Exception failure, string target, string temporary)
    {
        string message = $"Cannot save '{target}': the temporary file '{temporary}' could not be created beside it. {failure.Message}";
        return failure switch
        {
            UnauthorizedAccessException => new UnauthorizedAccessException(message, failure),
            DirectoryNotFoundException => new DirectoryNotFoundException(message, failure),
            PathTooLongException => new PathTooLongException(message, failure),
            IOException => new IOException(message, failure),
            _ => null,
        };
    }
}
