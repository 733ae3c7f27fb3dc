using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// The generator's own source files, parsed and bound as one compilation, for tests of its architecture (which
/// folder may use which, what Emit may name): each name can be bound to the symbol it denotes, so a fully
/// qualified use counts as much as a <c>using</c>.
/// </summary>
public static class GeneratorSources
{
    private static readonly Lazy<(CSharpCompilation Compilation, string Root)> Loaded = new(Load);

    /// <summary>The folder of the generator's project.</summary>
    public static string Root => Loaded.Value.Root;

    public static CSharpCompilation Compilation => Loaded.Value.Compilation;

    /// <summary>The path of <paramref name="tree"/> relative to <see cref="Root"/> (<c>Emit/LoopEmitter.cs</c>).</summary>
    public static string RelativePath(SyntaxTree tree) => Path.GetRelativePath(Root, tree.FilePath);

    private static (CSharpCompilation, string) Load()
    {
        string root = RepositoryFiles.FullPath("generator/LayerGen.Generator");
        var files = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Preview), f)).ToList();
        IEnumerable<MetadataReference> references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a.Location.Length > 0)
            .Select(a => MetadataReference.CreateFromFile(a.Location));
        var compilation = CSharpCompilation.Create("StageCheck", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return (compilation, root);
    }
}
