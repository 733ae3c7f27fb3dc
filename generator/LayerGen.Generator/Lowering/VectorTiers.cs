using System.Collections.Generic;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// Lowering's choices for the vector passes of a loop, asked by Emit where it writes one: whether a 512-bit pass is
/// worth emitting (the pass itself runs only where <c>Vector512.IsHardwareAccelerated</c>).
/// </summary>
internal static class VectorTiers
{
    /// <summary>
    /// Whether a loop over <paramref name="dims"/> can be long enough for one 512-bit vector: always for run-time
    /// sizes, and for constant sizes of at least 16 elements (shorter loops get no wide pass at all).
    /// </summary>
    public static bool WidePassMayRun(IEnumerable<Dim> dims)
    {
        long count = 1;
        foreach (var dim in dims)
        {
            if (dim.Kind != DimKind.Const)
            {
                return true;
            }

            count *= dim.Value;
        }

        return count >= 16;
    }
}
