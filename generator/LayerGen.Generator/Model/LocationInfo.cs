using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LayerGen.Generator.Model;

/// <summary>
/// A value-equatable stand-in for <see cref="Location"/>: models past the parser must not hold
/// Roslyn objects, or every compilation would look like a change.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

    public static LocationInfo? From(SyntaxNode node) => From(node.GetLocation());

    public static LocationInfo? From(Location location)
    {
        if (location.SourceTree is null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}
