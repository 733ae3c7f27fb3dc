using System;
using System.IO;
using System.Runtime.Versioning;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Parameters.Serialization;

/// <summary>
/// <see cref="SafeTensors.Save(ILayer, string, System.Collections.Generic.IReadOnlyDictionary{string, string}?)"/>
/// renames a temporary file over the target, which the OS allows whatever the target's own permissions
/// are: the save must refuse a read-only target itself, as <see cref="File.WriteAllBytes(string, byte[])"/>
/// would, and keep a writable target's permissions. The tests run as root in CI, and root may write any
/// file, so "read-only" here is the file's mode bits (no write bit for anyone) or its ReadOnly attribute.
/// </summary>
public sealed class SafeTensorsReadOnlyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (string file in Directory.GetFiles(_folder.Path))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        _folder.Dispose();
    }

    [Fact]
    public void Saving_over_a_read_only_file_throws_naming_it_and_leaves_it_intact()
    {
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(new Sequential(new MyLinear(4, 3)), path);
        MakeReadOnly(path);
        byte[] before = File.ReadAllBytes(path);
        string modeBefore = Describe(path);

        var e = Assert.Throws<UnauthorizedAccessException>(() => SafeTensors.Save(new Sequential(new MyLinear(4, 3)), path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(modeBefore, Describe(path));
        Assert.Equal(["model.safetensors"], _folder.FileNames()); // no temporary file left behind
    }

    [Fact]
    public void A_relative_path_to_a_read_only_file_is_refused_too_and_named_in_full()
    {
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(new MyLinear(2, 2), path);
        MakeReadOnly(path);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);

        var e = Assert.Throws<UnauthorizedAccessException>(() => SafeTensors.Save(new MyLinear(2, 2), relative));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [UnixFact]
    [UnsupportedOSPlatform("windows")]
    public void A_writable_file_keeps_its_permissions_when_saved_over()
    {
        // File.WriteAllBytes rewrites the file in place, so its mode stays; the rename must not reset it to the umask's default.
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(new MyLinear(4, 3), path);
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(path, OwnerOnly);

        SafeTensors.Save(new MyLinear(4, 3), path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [UnixFact] // on Windows a folder's ReadOnly attribute does not stop anyone creating files in it
    [UnsupportedOSPlatform("windows")]
    public void Saving_into_a_read_only_folder_throws_naming_the_destination_file()
    {
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(new MyLinear(4, 3), path);
        byte[] before = File.ReadAllBytes(path);
        File.SetUnixFileMode(_folder.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        var e = Assert.Throws<UnauthorizedAccessException>(() => SafeTensors.Save(new MyLinear(4, 3), path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _folder.FileNames());
    }

    [Fact]
    public void A_temporary_file_that_cannot_be_created_is_reported_naming_the_destination_with_the_cause_inside()
    {
        // What a non-root user gets from a folder they may not write to: the OS refuses the temporary file.
        string path = _folder.File("model.safetensors");
        var cause = new UnauthorizedAccessException("Access to the path '/somewhere/.model.safetensors.0123.tmp' is denied.");

        var e = Assert.Throws<UnauthorizedAccessException>(() => SafeTensors.Save(new MyLinear(4, 3), path, null, _ => throw cause));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Same(cause, e.InnerException);
        Assert.Empty(_folder.FileNames());
    }

    [Fact]
    public void A_missing_folder_is_reported_as_such_naming_the_destination()
    {
        string path = Path.Combine(_folder.Path, "no-such-folder", "model.safetensors");

        var e = Assert.Throws<DirectoryNotFoundException>(() => SafeTensors.Save(new MyLinear(4, 3), path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.IsType<DirectoryNotFoundException>(e.InnerException);
    }

    /// <summary>Read-only as a user would make it: chmod 444, or the ReadOnly attribute on Windows.</summary>
    private static void MakeReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.ReadOnly);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    private static string Describe(string path) =>
        OperatingSystem.IsWindows() ? File.GetAttributes(path).ToString() : File.GetUnixFileMode(path).ToString();
}
