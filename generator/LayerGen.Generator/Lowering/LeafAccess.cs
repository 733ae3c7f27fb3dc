using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Lowering;

/// <summary>How the leading (outer) dimensions of a broadcast operand line up with the loop's.</summary>
internal enum OuterPattern
{
    /// <summary>The operand is the same for every outer index (a bias, a scalar).</summary>
    None,

    /// <summary>The operand has the loop's outer dimensions exactly.</summary>
    Full,

    /// <summary>Anything else: indexed by coordinates, in a scalar loop.</summary>
    General,
}

/// <summary>
/// How a fused loop reads one operand. Loops see their shape as outer × inner, inner being the last
/// (contiguous, vectorised) dimension; an operand broadcast against that shape is read at
/// <c>o * inner + c</c>, <c>o</c>, <c>c</c> or <c>0</c>.
/// </summary>
internal readonly record struct LeafAccess(OuterPattern Outer, bool VariesWithInner)
{
    public static LeafAccess Classify(Shape leaf, Shape loop)
    {
        if (loop.Rank == 0 || leaf.IsSingleValue)
        {
            return new LeafAccess(OuterPattern.None, false);
        }

        if (leaf.Rank > loop.Rank)
        {
            return new LeafAccess(OuterPattern.General, false);
        }

        var aligned = Enumerable.Repeat(Dim.One, loop.Rank - leaf.Rank).Concat(leaf.Dims).ToArray();
        bool variesWithInner = !aligned[loop.Rank - 1].IsOne;
        if (variesWithInner && !aligned[loop.Rank - 1].Equals(loop.Last))
        {
            return new LeafAccess(OuterPattern.General, false);
        }

        bool allOne = true;
        bool allEqual = true;
        for (int d = 0; d < loop.Rank - 1; d++)
        {
            allOne &= aligned[d].IsOne;
            allEqual &= aligned[d].Equals(loop[d]);
        }

        var outer = allOne ? OuterPattern.None : allEqual ? OuterPattern.Full : OuterPattern.General;
        return new LeafAccess(outer, variesWithInner);
    }

    /// <summary>The flat index of the operand at outer index <c>o</c> and inner index <c>c</c>.</summary>
    public string IndexCode(string o, string c, string innerCode) => (Outer, VariesWithInner) switch
    {
        (OuterPattern.Full, true) => $"{o} * {innerCode} + {c}",
        (OuterPattern.Full, false) => o,
        (OuterPattern.None, true) => c,
        _ => "0",
    };
}
