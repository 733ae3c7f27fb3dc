using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Generator.Model;

/// <summary>
/// A value-equatable stand-in for <see cref="Location"/>: models past the parser must not hold
/// Roslyn objects, or every compilation would look like a change.
/// </summary>
/// <remarks>
/// A place inside a type declaration (a layer) is kept relative to the start of that declaration, its
/// <see cref="Anchor"/>: typing above a layer, or in another layer of the same file, moves the layer but
/// leaves its model equal, so nothing downstream of it runs again. The anchors' absolute positions travel
/// beside the models (<see cref="SourceAnchors"/>) and are added back only when a diagnostic is reported.
/// A place outside any type declaration, or read with <see cref="Absolute"/>, keeps its absolute position
/// (<see cref="Anchor"/> empty).
/// </remarks>
/// <param name="FilePath">The file.</param>
/// <param name="Anchor">The key of the declaration the span is relative to (<see cref="SourceAnchor.KeyOf"/>), or empty when absolute.</param>
/// <param name="Span">The span, relative to the anchor's start.</param>
/// <param name="Lines">Lines relative to the anchor's line; on the anchor's own line, columns relative to its column.</param>
internal sealed record LocationInfo(string FilePath, string Anchor, TextSpan Span, LinePositionSpan Lines)
{
    /// <summary>Where <paramref name="node"/> is, relative to the type declaration around it.</summary>
    public static LocationInfo? From(SyntaxNode node) => Relative(node.GetLocation(), node);

    /// <summary>Where <paramref name="location"/> is, relative to the type declaration around it.</summary>
    public static LocationInfo? From(Location location) =>
        location.SourceTree is { } tree ? Relative(location, tree.GetRoot().FindToken(location.SourceSpan.Start).Parent) : null;

    /// <summary>Where <paramref name="node"/> is, absolutely: for places outside layers (construction sites).</summary>
    public static LocationInfo? Absolute(SyntaxNode node)
    {
        var location = node.GetLocation();
        return location.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, string.Empty, location.SourceSpan, location.GetLineSpan().Span);
    }

    /// <summary>The Roslyn location, with the anchor's position added back (<see cref="Location.None"/> if the anchor is unknown).</summary>
    public Location ToLocation(SourceAnchors anchors)
    {
        if (Anchor.Length == 0)
        {
            return Location.Create(FilePath, Span, Lines);
        }

        if (anchors.Find(FilePath, Anchor) is not { } anchor)
        {
            return Location.None;
        }

        return Location.Create(
            FilePath,
            new TextSpan(anchor.Position + Span.Start, Span.Length),
            new LinePositionSpan(Shift(Lines.Start, anchor.Start), Shift(Lines.End, anchor.Start)));
    }

    private static LocationInfo? Relative(Location location, SyntaxNode? inside)
    {
        if (location.SourceTree is null)
        {
            return null;
        }

        var declaration = inside?.AncestorsAndSelf().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault();
        var lines = location.GetLineSpan().Span;
        if (declaration is null)
        {
            return new LocationInfo(location.SourceTree.FilePath, string.Empty, location.SourceSpan, lines);
        }

        var anchor = SourceAnchor.Of(declaration);
        return new LocationInfo(
            anchor.FilePath,
            anchor.Key,
            new TextSpan(location.SourceSpan.Start - anchor.Position, location.SourceSpan.Length),
            new LinePositionSpan(Unshift(lines.Start, anchor.Start), Unshift(lines.End, anchor.Start)));
    }

    private static LinePosition Unshift(LinePosition position, LinePosition anchor) =>
        position.Line == anchor.Line
            ? new LinePosition(0, position.Character - anchor.Character)
            : new LinePosition(position.Line - anchor.Line, position.Character);

    private static LinePosition Shift(LinePosition relative, LinePosition anchor) =>
        relative.Line == 0
            ? new LinePosition(anchor.Line, anchor.Character + relative.Character)
            : new LinePosition(anchor.Line + relative.Line, relative.Character);
}
