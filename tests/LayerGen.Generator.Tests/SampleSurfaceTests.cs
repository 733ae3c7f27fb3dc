using System;
using System.IO;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// What users are shown stays on the public surface: the samples and the package's consumer check use
/// nothing from <c>LayerGen.Generated</c> or <c>LayerGen.Kernels</c>, the namespaces that only generated
/// code calls (hidden from IntelliSense, not a stable API).
/// </summary>
public sealed class SampleSurfaceTests
{
    private static readonly string[] Folders = ["samples", "packaging/consumer"];

    private static readonly string[] GeneratedOnly = ["LayerGen.Generated", "LayerGen.Kernels"];

    [Fact]
    public void Samples_use_nothing_meant_only_for_generated_code()
    {
        var sources = Folders
            .SelectMany(folder => Directory.EnumerateFiles(RepositoryFiles.FullPath(folder), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(sources, p => p.EndsWith("Layers.cs", StringComparison.Ordinal)); // the scan sees the samples

        var uses = sources
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, number: i + 1)))
            .Where(x => GeneratedOnly.Any(ns => x.line.Contains(ns, StringComparison.Ordinal)))
            .Select(x => $"{Path.GetRelativePath(RepositoryFiles.Root, x.path)}:{x.number}: {x.line.Trim()}")
            .ToList();
        Assert.True(uses.Count == 0, "Samples use what only generated code should:\n" + string.Join("\n", uses));
    }
}
