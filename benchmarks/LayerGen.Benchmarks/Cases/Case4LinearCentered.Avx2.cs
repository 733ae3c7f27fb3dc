using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using static LayerGen.Benchmarks.Infrastructure.Simd256;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Case 4's AVX2 hand version: the same layout as the AVX-512 one (Wᵀ [8, 128]); the forward is 8 column
/// panels of a 4 × 16 register tile (8 accumulators) over k = 8, inline, with the mean's sum taken as the
/// tiles are stored; the weight gradient is 4 broadcasts × rows of dz per row of Wᵀ, with −lr folded into dz.
/// </summary>
public sealed partial class Case4
{
    /// <summary>z = x·Wᵀ + b into <paramref name="z"/>; returns mean(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Affine256(ref float z)
    {
        ref float x = ref X.Ref;
        ref float wt = ref _wt.Ref;
        ref float b = ref _b.Ref;
        Vector256<float> sum0 = default, sum1 = default;
        for (nint j = 0; j < Out; j += 2 * W)
        {
            var c00 = Ld(ref b, j);
            var c01 = Ld(ref b, j + W);
            Vector256<float> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
            ref float wj = ref Unsafe.Add(ref wt, j);
            for (nint kk = 0; kk < In; kk++)
            {
                var b0 = Ld(ref wj, kk * Out);
                var b1 = Ld(ref wj, kk * Out + W);
                var a0 = Bc(ref x, kk);
                c00 = Fma(a0, b0, c00);
                c01 = Fma(a0, b1, c01);
                var a1 = Bc(ref x, In + kk);
                c10 = Fma(a1, b0, c10);
                c11 = Fma(a1, b1, c11);
                var a2 = Bc(ref x, 2 * In + kk);
                c20 = Fma(a2, b0, c20);
                c21 = Fma(a2, b1, c21);
                var a3 = Bc(ref x, 3 * In + kk);
                c30 = Fma(a3, b0, c30);
                c31 = Fma(a3, b1, c31);
            }

            St(ref z, j, c00);
            St(ref z, j + W, c01);
            St(ref z, Out + j, c10);
            St(ref z, Out + j + W, c11);
            St(ref z, 2 * Out + j, c20);
            St(ref z, 2 * Out + j + W, c21);
            St(ref z, 3 * Out + j, c30);
            St(ref z, 3 * Out + j + W, c31);
            sum0 += (c00 + c10) + (c20 + c30);
            sum1 += (c01 + c11) + (c21 + c31);
        }

        return Vector256.Sum(sum0 + sum1) / Count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        ref float y = ref _y.Ref;
        var m = Vector256.Create(Affine256(ref y));
        for (nint i = 0; i < Count; i += 2 * W)
        {
            St(ref y, i, Ld(ref y, i) - m);
            St(ref y, i + W, Ld(ref y, i + W) - m);
        }

        return _y[Count - 1];
    }

    // d = z − mean z − t; loss = Σd²/N; dz = (2/N)(d − mean d); u = −lr·dz; b += Σ_rows u; Wᵀ += xᵀ·u.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        ref float z = ref _z.Ref;
        ref float t = ref T.Ref;
        var m = Vector256.Create(Affine256(ref z));
        Vector256<float> sd0 = default, sd1 = default, sq0 = default, sq1 = default;
        for (nint i = 0; i < Count; i += 2 * W)
        {
            var d0 = Ld(ref z, i) - m - Ld(ref t, i);
            var d1 = Ld(ref z, i + W) - m - Ld(ref t, i + W);
            St(ref z, i, d0);
            St(ref z, i + W, d1);
            sd0 += d0;
            sd1 += d1;
            sq0 = Fma(d0, d0, sq0);
            sq1 = Fma(d1, d1, sq1);
        }

        float loss = Vector256.Sum(sq0 + sq1) / Count;
        var md = Vector256.Create(Vector256.Sum(sd0 + sd1) / Count);
        var c = Vector256.Create(-Lr * 2f / Count);
        ref float b = ref _b.Ref;
        for (nint v = 0; v < Out; v += W)
        {
            var g0 = (Ld(ref z, v) - md) * c;
            var g1 = (Ld(ref z, Out + v) - md) * c;
            var g2 = (Ld(ref z, 2 * Out + v) - md) * c;
            var g3 = (Ld(ref z, 3 * Out + v) - md) * c;
            St(ref z, v, g0);
            St(ref z, Out + v, g1);
            St(ref z, 2 * Out + v, g2);
            St(ref z, 3 * Out + v, g3);
            St(ref b, v, Ld(ref b, v) + ((g0 + g1) + (g2 + g3)));
        }

        ref float x = ref X.Ref;
        ref float wt = ref _wt.Ref;
        for (nint k = 0; k < In; k++)
        {
            var x0 = Bc(ref x, k);
            var x1 = Bc(ref x, In + k);
            var x2 = Bc(ref x, 2 * In + k);
            var x3 = Bc(ref x, 3 * In + k);
            ref float row = ref Unsafe.Add(ref wt, k * Out);
            for (nint v = 0; v < Out; v += W)
            {
                St(ref row, v, Fma(x3, Ld(ref z, 3 * Out + v), Fma(x2, Ld(ref z, 2 * Out + v), Fma(x1, Ld(ref z, Out + v), Fma(x0, Ld(ref z, v), Ld(ref row, v))))));
            }
        }

        return loss;
    }
}
