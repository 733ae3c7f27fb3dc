using System.Linq;
using System.Threading;
using LayerGen.Generator.Model;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// A built-in of LayerGen.dll whose constant-size kernels can be emitted into the user's assembly, as LayerGen.dll
/// describes it (<c>[assembly: SpecialisableKernels(...)]</c>, written there by this generator from the built-in's own
/// definition). Plain strings: equal from one edit to the next, so nothing downstream re-runs.
/// </summary>
/// <param name="Layer">The built-in's full name (<c>LayerGen.Linear</c>), as construction sites name it.</param>
/// <param name="Name">Its class name, the start of <c>KernelName</c>.</param>
/// <param name="Sizes">Its size parameters, in constructor order.</param>
/// <param name="KernelInterface">The interface (a global:: name) the registered kernels implement.</param>
/// <param name="ForwardParameters">The forward kernel's parameters after <c>int rows</c>.</param>
/// <param name="BackwardParameters">The backward kernel's parameters after <c>int rows</c>.</param>
/// <param name="Kernels">The constant-size kernel class's body.</param>
internal sealed record SpecialisableBuiltIn(
    string Layer,
    string Name,
    EquatableArray<string> Sizes,
    string KernelInterface,
    string ForwardParameters,
    string BackwardParameters,
    string Kernels);

/// <summary>Reads the specialisable built-ins from the LayerGen.dll a user's compilation references.</summary>
internal static class BuiltInKernelsReader
{
    /// <summary>LayerGen.dll's assembly name: compiling it, the built-ins look kernels up instead of getting them.</summary>
    public const string LibraryAssemblyName = "LayerGen";

    private const string AttributeName = "LayerGen.Generated.SpecialisableKernelsAttribute";

    public static bool IsLibrary(Compilation compilation) => compilation.AssemblyName == LibraryAssemblyName;

    /// <summary>
    /// The built-ins described by the referenced LayerGen.dll; empty when compiling LayerGen itself, when LayerGen is not
    /// referenced, or when it is a version without the attribute (or with one this generator does not understand).
    /// </summary>
    public static EquatableArray<SpecialisableBuiltIn> Read(Compilation compilation, CancellationToken cancellationToken)
    {
        try
        {
            if (IsLibrary(compilation)
                || compilation.GetTypeByMetadataName(AttributeName) is not { } attribute
                || attribute.ContainingAssembly is ISourceAssemblySymbol)
            {
                return EquatableArray<SpecialisableBuiltIn>.Empty;
            }

            cancellationToken.ThrowIfCancellationRequested();
            return attribute.ContainingAssembly.GetAttributes()
                .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute))
                .Select(Read)
                .Where(b => b is not null)
                .Select(b => b!)
                .OrderBy(b => b.Layer, System.StringComparer.Ordinal)
                .ToEquatableArray();
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            // A LayerGen.dll we cannot read gives no specialised built-ins: they run their run-time kernels.
            return EquatableArray<SpecialisableBuiltIn>.Empty;
        }
    }

    private static SpecialisableBuiltIn? Read(AttributeData attribute)
    {
        var values = attribute.ConstructorArguments.Select(a => a.Value as string).ToList();
        if (values.Count != 7 || values.Any(v => string.IsNullOrEmpty(v)))
        {
            return null;
        }

        var sizes = values[2]!.Split(',').Select(s => s.Trim()).ToEquatableArray();
        return new SpecialisableBuiltIn(values[0]!, values[1]!, sizes, values[3]!, values[4]!, values[5]!, values[6]!);
    }
}
