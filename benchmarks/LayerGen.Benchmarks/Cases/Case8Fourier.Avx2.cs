using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using static LayerGen.Benchmarks.Infrastructure.Simd256;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Case 8's AVX2 hand version: the same [8, 64]·[64, 64] matmuls with the real DFT matrix and its transpose,
/// as 4 × 16 register tiles (8 rows = two 4-row tiles, 8 FMA chains each; 4 column panels).
/// </summary>
public sealed partial class Case8
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transform256(ref float input, ref float matrix, ref float output)
    {
        for (nint p = 0; p < Len; p += 2 * W)
        {
            Gemm256.Tile<R4, NoEpilogue256>(ref input, Len, 1, ref Unsafe.Add(ref matrix, p), Len, Len, ref Unsafe.Add(ref output, p), Len, ref Unsafe.NullRef<float>(), false, false, 1f);
            Gemm256.Tile<R4, NoEpilogue256>(ref Unsafe.Add(ref input, 4 * Len), Len, 1, ref Unsafe.Add(ref matrix, p), Len, Len, ref Unsafe.Add(ref output, 4 * Len + p), Len, ref Unsafe.NullRef<float>(), false, false, 1f);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        Transform256(ref X.Ref, ref _m.Ref, ref _y.Ref);
        return _y[Count - 1];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        ref float y = ref _y.Ref;
        ref float t = ref T.Ref;
        ref float dy = ref _dy.Ref;
        Transform256(ref X.Ref, ref _m.Ref, ref y);
        Vector256<float> s0 = default, s1 = default;
        var c = Vector256.Create(2f / Count);
        for (nint i = 0; i < Count; i += 2 * W)
        {
            var d0 = Ld(ref y, i) - Ld(ref t, i);
            var d1 = Ld(ref y, i + W) - Ld(ref t, i + W);
            s0 = Fma(d0, d0, s0);
            s1 = Fma(d1, d1, s1);
            St(ref dy, i, d0 * c);
            St(ref dy, i + W, d1 * c);
        }

        Transform256(ref dy, ref _mt.Ref, ref _dx.Ref);
        return Vector256.Sum(s0 + s1) / Count;
    }
}
