using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using static LayerGen.Benchmarks.Infrastructure.Simd256;

namespace LayerGen.Benchmarks.Cases;

// The AVX2 hand versions of cases 1a and 1b (Vector256): the same passes as the AVX-512 ones.

public sealed partial class Case1a
{
    // x[2, 5] is lanes 0..7 of one vector and lanes 0..1 of a second (the Buf's padding lanes are zero).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        ref float xr = ref X.Ref;
        var x0 = Ld(ref xr, 0);
        var x1 = Ld(ref xr, W);
        float mean = Vector256.Sum(x0 + x1) / Count;
        var m = Vector256.Create(mean);
        var y1 = x1 - m;
        St(ref _y.Ref, 0, x0 - m);
        St(ref _y.Ref, W, y1);
        return y1.GetElement(Count - 1 - W);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        ref float xr = ref X.Ref;
        ref float tr = ref T.Ref;
        var x0 = Ld(ref xr, 0);
        var x1 = Ld(ref xr, W);
        var m = Vector256.Create(Vector256.Sum(x0 + x1) / Count);
        var d0 = x0 - m - Ld(ref tr, 0);
        var d1 = (x1 - m - Ld(ref tr, W)) & Vector256.Create(-1, -1, 0, 0, 0, 0, 0, 0).AsSingle(); // lanes < 2
        float loss = Vector256.Sum(Fma(d1, d1, d0 * d0)) / Count;
        var md = Vector256.Create(Vector256.Sum(d0 + d1) / Count);
        var c = Vector256.Create(2f / Count);
        St(ref _dx.Ref, 0, (d0 - md) * c);
        St(ref _dx.Ref, W, (d1 - md) * c);
        return loss;
    }
}

public sealed partial class Case1b
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        ref float x = ref X.Ref;
        ref float y = ref _y.Ref;
        var m = Vector256.Create(Sum256(ref x) / Count);
        for (nint i = 0; i < Count; i += 4 * W)
        {
            St(ref y, i, Ld(ref x, i) - m);
            St(ref y, i + W, Ld(ref x, i + W) - m);
            St(ref y, i + 2 * W, Ld(ref x, i + 2 * W) - m);
            St(ref y, i + 3 * W, Ld(ref x, i + 3 * W) - m);
        }

        return _y[Count - 1];
    }

    // Three passes, as the AVX-512 version: mean(x); d = x − m − t with Σd and Σd²; dL/dx = (2/N)(x − t) − (2/N)(m + mean d).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        ref float x = ref X.Ref;
        ref float t = ref T.Ref;
        ref float dx = ref _dx.Ref;
        float mean = Sum256(ref x) / Count;
        var m = Vector256.Create(mean);
        Vector256<float> s0 = default, s1 = default, q0 = default, q1 = default;
        for (nint i = 0; i < Count; i += 2 * W)
        {
            var d0 = Ld(ref x, i) - m - Ld(ref t, i);
            var d1 = Ld(ref x, i + W) - m - Ld(ref t, i + W);
            s0 += d0;
            s1 += d1;
            q0 = Fma(d0, d0, q0);
            q1 = Fma(d1, d1, q1);
        }

        float loss = Vector256.Sum(q0 + q1) / Count;
        float meanD = Vector256.Sum(s0 + s1) / Count;
        const float c = 2f / Count;
        var vc = Vector256.Create(c);
        var k = Vector256.Create(-c * (mean + meanD));
        for (nint i = 0; i < Count; i += 2 * W)
        {
            St(ref dx, i, Fma(Ld(ref x, i) - Ld(ref t, i), vc, k));
            St(ref dx, i + W, Fma(Ld(ref x, i + W) - Ld(ref t, i + W), vc, k));
        }

        return loss;
    }

    private static float Sum256(ref float x)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (nint i = 0; i < Count; i += 4 * W)
        {
            s0 += Ld(ref x, i);
            s1 += Ld(ref x, i + W);
            s2 += Ld(ref x, i + 2 * W);
            s3 += Ld(ref x, i + 3 * W);
        }

        return Vector256.Sum((s0 + s1) + (s2 + s3));
    }
}
