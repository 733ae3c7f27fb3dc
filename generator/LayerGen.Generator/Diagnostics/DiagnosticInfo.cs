using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generator.Diagnostics;

/// <summary>
/// A diagnostic as plain data (descriptor id, location, message arguments), so that stages can
/// return diagnostics alongside their values and stay cacheable.
/// </summary>
internal sealed record DiagnosticInfo(string DescriptorId, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());

    /// <summary>The Roslyn diagnostic, its location made absolute with <paramref name="anchors"/> (see <see cref="LocationInfo"/>).</summary>
    public Diagnostic ToDiagnostic(SourceAnchors anchors)
    {
        var descriptor = DiagnosticDescriptors.ById(DescriptorId);
        var args = new object[Arguments.Count];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = Arguments[i];
        }

        return Diagnostic.Create(descriptor, Location?.ToLocation(anchors) ?? Microsoft.CodeAnalysis.Location.None, args);
    }
}
