using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Generator.Model;

/// <summary>
/// Where a type declaration starts in its file: what a <see cref="LocationInfo"/> relative to it adds back
/// when a diagnostic is reported.
/// </summary>
/// <param name="FilePath">The file.</param>
/// <param name="Key">Names the declaration while its own text is unchanged (<see cref="KeyOf"/>).</param>
/// <param name="Position">The declaration's first character (its attributes included).</param>
/// <param name="Start">That character's line and column.</param>
internal sealed record SourceAnchor(string FilePath, string Key, int Position, LinePosition Start)
{
    public static SourceAnchor Of(BaseTypeDeclarationSyntax declaration) =>
        new(declaration.SyntaxTree.FilePath, KeyOf(declaration), declaration.Span.Start, declaration.SyntaxTree.GetLineSpan(declaration.Span).StartLinePosition);

    /// <summary>
    /// The declaration's namespaces and type names, and its length: unchanged by edits outside the declaration
    /// (which move it), and different for two partial parts of one class in one file unless they are equally long.
    /// </summary>
    public static string KeyOf(BaseTypeDeclarationSyntax declaration)
    {
        var names = new List<string>();
        foreach (var ancestor in declaration.AncestorsAndSelf())
        {
            if (ancestor is BaseTypeDeclarationSyntax type)
            {
                names.Add(type.Identifier.ValueText);
            }
            else if (ancestor is BaseNamespaceDeclarationSyntax ns)
            {
                names.Add(ns.Name.ToString());
            }
        }

        names.Reverse();
        return string.Join(".", names) + "#" + declaration.Span.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The anchors of every layer and loss declaration, for turning relative locations into absolute ones.</summary>
internal sealed record SourceAnchors(EquatableArray<SourceAnchor> All)
{
    public static readonly SourceAnchors Empty = new(EquatableArray<SourceAnchor>.Empty);

    public static SourceAnchors Of(IEnumerable<SourceAnchor> anchors) =>
        new(anchors.OrderBy(a => a.FilePath, System.StringComparer.Ordinal).ThenBy(a => a.Position).ToEquatableArray());

    public SourceAnchor? Find(string filePath, string key) =>
        All.FirstOrDefault(a => a.Key == key && a.FilePath == filePath);
}
