using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Emit;

/// <summary>Nested scalar loops over a shape's dimensions, and row-major index arithmetic.</summary>
internal static class LoopNest
{
    /// <summary>Writes one <c>for</c> per dimension (variables <paramref name="prefix"/>0, 1, …) and the body inside.</summary>
    public static void Emit(SourceWriter w, IReadOnlyList<string> sizes, string prefix, Action<string[]> body)
    {
        var coordinates = Enumerable.Range(0, sizes.Count).Select(d => prefix + d).ToArray();
        var closers = new List<IDisposable>();
        for (int d = 0; d < sizes.Count; d++)
        {
            closers.Add(w.Block($"for (int {coordinates[d]} = 0; {coordinates[d]} < {sizes[d]}; {coordinates[d]}++)"));
        }

        body(coordinates);
        for (int d = closers.Count - 1; d >= 0; d--)
        {
            closers[d].Dispose();
        }
    }

    /// <summary>The row-major flat index of <paramref name="coordinates"/> in a tensor of <paramref name="shape"/>.</summary>
    public static string Index(Shape shape, IReadOnlyList<string> coordinates)
    {
        var terms = new List<string>();
        for (int d = 0; d < shape.Rank; d++)
        {
            var after = shape.Dims.Skip(d + 1).ToList();
            terms.Add(after.Count == 0 ? coordinates[d] : $"{coordinates[d]} * {Shape.ProductCode(after)}");
        }

        return terms.Count == 0 ? "0" : string.Join(" + ", terms);
    }

    public static IReadOnlyList<string> Sizes(Shape shape) => shape.Dims.Select(d => d.Code).ToArray();
}
