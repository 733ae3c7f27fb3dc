using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Remembers what the generator's semantic transforms read from a piece of syntax, from one run to the next, so
/// that typing in one file does not re-read every layer and every construction in the project.
/// </summary>
/// <remarks>
/// Roslyn re-runs a semantic transform (<c>ForAttributeWithMetadataName</c>'s, <c>CreateSyntaxProvider</c>'s) for every
/// node whenever the compilation changes, because a change anywhere can change what a name binds to; its caching
/// then compares the results. Reading a layer binds its forward and its initialisers, so with 50 layers one
/// keystroke cost 50 parses and the binding of every method that constructs a layer: nine tenths of the edit's time
/// (<c>benchmarks/LayerGen.GeneratorBenchmarks -- --steps</c>).
///
/// What such a reading can depend on outside its own syntax tree is reached through a name written in it: a type, a
/// constant, a helper, a child layer's class, an extension method. So the previous result stands when the syntax is
/// in the same tree as before (an edited file is a new tree), any further trees it depends on (a partial class's
/// other declarations) are the same, the compilation's references and options are the same, and no syntax tree that
/// changed (in its old or its new version) declares one of the names the reading uses from outside
/// (<see cref="ChangedDeclarations"/>). A change the names cannot describe — a global using, an operator or a
/// conversion, other references or options — re-reads everything.
/// </remarks>
internal static class SemanticMemo
{
    private sealed class Entry(CompilationShape compilation, (SyntaxTree Tree, TextSpan Span)[] dependencies, HashSet<string> names, object? value)
    {
        /// <summary>The compilation the value was last found good in (its shape: a weak reference could die between runs).</summary>
        public CompilationShape Compilation { get; set; } = compilation;

        public (SyntaxTree Tree, TextSpan Span)[] Dependencies { get; } = dependencies;

        public HashSet<string> Names { get; } = names;

        public object? Value { get; } = value;
    }

    /// <summary>The remembered results, keyed by the node's tree, then by its span and what was read from it.</summary>
    private static readonly ConditionalWeakTable<SyntaxTree, Dictionary<(TextSpan Span, string Reading), Entry>> Entries = new();

    /// <summary>How many readings of each kind this thread really computed (not remembered): for the tests of this class.</summary>
    [ThreadStatic]
    private static Dictionary<string, int>? _computedOnThisThread;

    internal static int ComputedOnThisThread(string reading) =>
        _computedOnThisThread is { } counts && counts.TryGetValue(reading, out int count) ? count : 0;

    /// <summary>
    /// <paramref name="read"/>'s result for <paramref name="node"/>, remembered while nothing it can depend on changed.
    /// </summary>
    /// <param name="reading">What is read (one node may be read by several transforms).</param>
    /// <param name="dependencies">Further syntax the reading depends on, compared by tree identity and span.</param>
    /// <param name="names">The names the reading may find outside <paramref name="node"/>'s tree; asked only when it runs.</param>
    public static T GetOrRead<T>(
        SyntaxNode node,
        string reading,
        Compilation compilation,
        (SyntaxTree Tree, TextSpan Span)[] dependencies,
        Func<HashSet<string>> names,
        Func<T> read)
    {
        var key = (node.Span, reading);
        var entries = Entries.GetOrCreateValue(node.SyntaxTree);
        lock (entries)
        {
            if (entries.TryGetValue(key, out var entry)
                && entry.Dependencies.SequenceEqual(dependencies, DependencyComparer.Instance)
                && ChangedDeclarations.Between(entry.Compilation, compilation) is { } changedNames
                && !changedNames.Overlaps(entry.Names))
            {
                entry.Compilation = CompilationShape.Of(compilation);
                return (T)entry.Value!;
            }
        }

        var counts = _computedOnThisThread ??= new Dictionary<string, int>();
        counts[reading] = counts.TryGetValue(reading, out int computed) ? computed + 1 : 1;
        var value = read();
        var remembered = new Entry(CompilationShape.Of(compilation), dependencies, names(), value);
        lock (entries)
        {
            entries[key] = remembered;
        }

        return value;
    }

    /// <summary>
    /// The names a piece of syntax may find outside itself: every simple name written in it, plus the names of the
    /// types around it (a partial declaration of one of them elsewhere changes what its members are).
    /// </summary>
    public static HashSet<string> NamesIn(SyntaxNode node)
    {
        var names = new HashSet<string>(node.DescendantNodesAndSelf().OfType<SimpleNameSyntax>().Select(n => n.Identifier.ValueText), StringComparer.Ordinal);
        foreach (var around in node.Ancestors().OfType<BaseTypeDeclarationSyntax>())
        {
            names.Add(around.Identifier.ValueText);
        }

        return names;
    }

    /// <summary>The same syntax: the same tree object (an edited file is a new tree) at the same place.</summary>
    private sealed class DependencyComparer : IEqualityComparer<(SyntaxTree Tree, TextSpan Span)>
    {
        public static readonly DependencyComparer Instance = new();

        public bool Equals((SyntaxTree Tree, TextSpan Span) x, (SyntaxTree Tree, TextSpan Span) y) =>
            ReferenceEquals(x.Tree, y.Tree) && x.Span == y.Span;

        public int GetHashCode((SyntaxTree Tree, TextSpan Span) obj) => RuntimeHelpers.GetHashCode(obj.Tree) ^ obj.Span.GetHashCode();
    }
}
