using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using static LayerGen.Benchmarks.Infrastructure.Simd256;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// The AVX2 hand-written MyLinear(64, 8) + ReLU at batch 2 (cases 2 and 3). Weight [64, 8] row-major: row k
/// is exactly one Vector256, so each batch row's output is Σ_k x[k]·W[k] with x[k] broadcast from memory (a
/// load, no shuffle): 4 accumulators per row, 8 FMA chains for the two rows, each row of W loaded once.
/// </summary>
internal static class HandMyLinear64x8Avx2
{
    /// <summary>relu(x·W + b) for x [2, 64]: (row 0, row 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Y0, Vector256<float> Y1) Forward(ref float x, ref float w, ref float b)
    {
        Vector256<float> a0 = Ld(ref b, 0), a1 = default, a2 = default, a3 = default;
        Vector256<float> c0 = a0, c1 = default, c2 = default, c3 = default;
        ref float x1 = ref Unsafe.Add(ref x, 64);
        for (nint k = 0; k < 64; k += 4)
        {
            ref float wk = ref Unsafe.Add(ref w, k * W);
            var w0 = Ld(ref wk, 0);
            a0 = Fma(Bc(ref x, k), w0, a0);
            c0 = Fma(Bc(ref x1, k), w0, c0);
            var w1 = Ld(ref wk, W);
            a1 = Fma(Bc(ref x, k + 1), w1, a1);
            c1 = Fma(Bc(ref x1, k + 1), w1, c1);
            var w2 = Ld(ref wk, 2 * W);
            a2 = Fma(Bc(ref x, k + 2), w2, a2);
            c2 = Fma(Bc(ref x1, k + 2), w2, c2);
            var w3 = Ld(ref wk, 3 * W);
            a3 = Fma(Bc(ref x, k + 3), w3, a3);
            c3 = Fma(Bc(ref x1, k + 3), w3, c3);
        }

        return (Relu((a0 + a1) + (a2 + a3)), Relu((c0 + c1) + (c2 + c3)));
    }

    /// <summary>SGD update from dL/dz (after the ReLU mask) of the two rows: W −= lr·xᵀ·dz, b −= lr·Σ dz.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update(ref float x, ref float w, ref float b, Vector256<float> dz0, Vector256<float> dz1, float lr)
    {
        var nlr = Vector256.Create(-lr);
        St(ref b, 0, Fma(dz0 + dz1, nlr, Ld(ref b, 0)));
        var d0 = dz0 * nlr;
        var d1 = dz1 * nlr;
        ref float x1 = ref Unsafe.Add(ref x, 64);
        for (nint k = 0; k < 64; k += 4)
        {
            ref float wk = ref Unsafe.Add(ref w, k * W);
            St(ref wk, 0, Fma(Bc(ref x1, k), d1, Fma(Bc(ref x, k), d0, Ld(ref wk, 0))));
            St(ref wk, W, Fma(Bc(ref x1, k + 1), d1, Fma(Bc(ref x, k + 1), d0, Ld(ref wk, W))));
            St(ref wk, 2 * W, Fma(Bc(ref x1, k + 2), d1, Fma(Bc(ref x, k + 2), d0, Ld(ref wk, 2 * W))));
            St(ref wk, 3 * W, Fma(Bc(ref x1, k + 3), d1, Fma(Bc(ref x, k + 3), d0, Ld(ref wk, 3 * W))));
        }
    }
}

public sealed partial class Case2
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        var (y0, y1) = HandMyLinear64x8Avx2.Forward(ref X.Ref, ref _w.Ref, ref _b.Ref);
        St(ref _y.Ref, 0, y0);
        St(ref _y.Ref, W, y1);
        return y1.GetElement(7);
    }

    // loss = Σ(y − t)²/16; dL/dz = (2/16)(y − t)·[y > 0]; then the fused SGD update.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        var (y0, y1) = HandMyLinear64x8Avx2.Forward(ref X.Ref, ref _w.Ref, ref _b.Ref);
        ref float t = ref T.Ref;
        var d0 = y0 - Ld(ref t, 0);
        var d1 = y1 - Ld(ref t, W);
        float loss = Vector256.Sum(Fma(d1, d1, d0 * d0)) / 16;
        var c = Vector256.Create(2f / 16);
        var dz0 = Vector256.ConditionalSelect(Vector256.GreaterThan(y0, Vector256<float>.Zero), d0 * c, Vector256<float>.Zero);
        var dz1 = Vector256.ConditionalSelect(Vector256.GreaterThan(y1, Vector256<float>.Zero), d1 * c, Vector256<float>.Zero);
        HandMyLinear64x8Avx2.Update(ref X.Ref, ref _w.Ref, ref _b.Ref, dz0, dz1, Lr);
        return loss;
    }
}

public sealed partial class Case3
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Vector256<float> H0, Vector256<float> H1, Vector256<float> W2, float Y0, float Y1) Forward256()
    {
        var (h0, h1) = HandMyLinear64x8Avx2.Forward(ref X.Ref, ref _w1.Ref, ref _b1.Ref);
        var w2 = Ld(ref _w2.Ref, 0);
        float b2 = _b2.Ref;
        float y0 = MathF.Max(Vector256.Sum(h0 * w2) + b2, 0f);
        float y1 = MathF.Max(Vector256.Sum(h1 * w2) + b2, 0f);
        return (h0, h1, w2, y0, y1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        var (_, _, _, y0, y1) = Forward256();
        ref float y = ref _y.Ref;
        y = y0;
        Unsafe.Add(ref y, 1) = y1;
        return y1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        var (h0, h1, w2, y0, y1) = Forward256();
        ref float t = ref T.Ref;
        float d0 = y0 - t, d1 = y1 - Unsafe.Add(ref t, 1);
        float loss = (d0 * d0 + d1 * d1) / 2;
        // dL/dy = 2d/2 = d; through the second ReLU.
        float dz0 = y0 > 0f ? d0 : 0f, dz1 = y1 > 0f ? d1 : 0f;
        var s0 = Vector256.Create(dz0);
        var s1 = Vector256.Create(dz1);
        var g2 = Fma(h1, s1, h0 * s0);
        var dh0 = Vector256.ConditionalSelect(Vector256.GreaterThan(h0, Vector256<float>.Zero), s0 * w2, Vector256<float>.Zero);
        var dh1 = Vector256.ConditionalSelect(Vector256.GreaterThan(h1, Vector256<float>.Zero), s1 * w2, Vector256<float>.Zero);
        St(ref _w2.Ref, 0, Fma(g2, Vector256.Create(-Lr), w2));
        _b2.Ref -= Lr * (dz0 + dz1);
        HandMyLinear64x8Avx2.Update(ref X.Ref, ref _w1.Ref, ref _b1.Ref, dh0, dh1, Lr);
        return loss;
    }
}
