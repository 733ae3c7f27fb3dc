using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>Files of the repository, read where they lie (found from where this file was compiled), never copied.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding LayerGen.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The text of <paramref name="relativePath"/> ('/'-separated, from the root).</summary>
    public static string Read(string relativePath) => File.ReadAllText(FullPath(relativePath));

    public static string FullPath(string relativePath) => Path.Combine(Root, relativePath);

    private static string FindRoot([CallerFilePath] string thisFile = "")
    {
        for (string? folder = Path.GetDirectoryName(thisFile); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(Path.Combine(folder, "LayerGen.sln")))
            {
                return folder;
            }
        }

        throw new InvalidOperationException($"No LayerGen.sln above {thisFile}.");
    }
}
