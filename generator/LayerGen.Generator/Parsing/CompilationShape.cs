using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// What <see cref="ChangedDeclarations"/> compares of a compilation — its syntax trees, options, references and
/// assembly name — kept without the compilation itself.
/// </summary>
/// <remarks>
/// <see cref="SemanticMemo"/> compares the compilation a reading was made in with the current one. It used to keep a
/// weak reference to the old compilation, but nothing else need keep that alive between two runs (the IDE drops an
/// old solution snapshot; a test drops its first compilation), and a garbage collection between runs then made every
/// remaining reading of the run start again: correct, but the cost of a full re-read at a random keystroke. The trees,
/// options and references are what the comparison needs and are shared with the newer compilation anyway (an edit
/// replaces one tree), so keeping them costs little. One shape per compilation, so the readings of one run share it.
/// </remarks>
internal sealed class CompilationShape
{
    private static readonly ConditionalWeakTable<Compilation, CompilationShape> Shapes = new();

    private CompilationShape(Compilation compilation)
    {
        SyntaxTrees = compilation.SyntaxTrees.ToImmutableArray();
        Options = compilation.Options;
        ExternalReferences = compilation.ExternalReferences;
        AssemblyName = compilation.AssemblyName;
    }

    public ImmutableArray<SyntaxTree> SyntaxTrees { get; }

    public CompilationOptions Options { get; }

    public ImmutableArray<MetadataReference> ExternalReferences { get; }

    public string? AssemblyName { get; }

    public static CompilationShape Of(Compilation compilation) => Shapes.GetValue(compilation, c => new CompilationShape(c));
}
