using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using static LayerGen.Benchmarks.Infrastructure.Simd256;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Case 6a's AVX2 hand version (batch 1): the same layouts as the AVX-512 one; a row of 64 outputs is 8
/// Vector256 accumulators (8 FMA chains) fed by one broadcast per input, dz1 goes through a 256-byte
/// scratch row (16 ymm registers cannot hold it, dz2 and h1 at once).
/// </summary>
public sealed partial class Case6a
{
    private readonly Buf _dz1 = new(Hid);

    /// <summary>h = tanh(b + Σ_k v[k]·Wᵀ[k, :]) over K inputs, 64 outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dense256(ref float v, ref float wt, ref float b, int k, ref float h)
    {
        Vector256<float> a0 = Ld(ref b, 0), a1 = Ld(ref b, W), a2 = Ld(ref b, 2 * W), a3 = Ld(ref b, 3 * W);
        Vector256<float> a4 = Ld(ref b, 4 * W), a5 = Ld(ref b, 5 * W), a6 = Ld(ref b, 6 * W), a7 = Ld(ref b, 7 * W);
        ref float row = ref wt;
        for (nint i = 0; i < k; i++)
        {
            var x = Bc(ref v, i);
            a0 = Fma(x, Ld(ref row, 0), a0);
            a1 = Fma(x, Ld(ref row, W), a1);
            a2 = Fma(x, Ld(ref row, 2 * W), a2);
            a3 = Fma(x, Ld(ref row, 3 * W), a3);
            a4 = Fma(x, Ld(ref row, 4 * W), a4);
            a5 = Fma(x, Ld(ref row, 5 * W), a5);
            a6 = Fma(x, Ld(ref row, 6 * W), a6);
            a7 = Fma(x, Ld(ref row, 7 * W), a7);
            row = ref Unsafe.Add(ref row, Hid);
        }

        St(ref h, 0, a0);
        St(ref h, W, a1);
        St(ref h, 2 * W, a2);
        St(ref h, 3 * W, a3);
        St(ref h, 4 * W, a4);
        St(ref h, 5 * W, a5);
        St(ref h, 6 * W, a6);
        St(ref h, 7 * W, a7);

        // tanh in a loop of its own rather than on each accumulator: 16 inlined tanh in one method push the
        // JIT past the locals it tracks in registers, and the whole method then runs from the stack (3× slower).
        for (nint j = 0; j < Hid; j += W)
        {
            St(ref h, j, Tanh(Ld(ref h, j)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Forward256()
    {
        ref float h1 = ref _h1.Ref;
        ref float h2 = ref _h2.Ref;
        Dense256(ref X.Ref, ref Wt1.Ref, ref B1.Ref, In, ref h1);
        Dense256(ref h1, ref Wt2.Ref, ref B2.Ref, Hid, ref h2);
        ref float w3 = ref W3.Ref;
        var p = Fma(Ld(ref h2, 3 * W), Ld(ref w3, 3 * W), Fma(Ld(ref h2, 2 * W), Ld(ref w3, 2 * W), Fma(Ld(ref h2, W), Ld(ref w3, W), Ld(ref h2, 0) * Ld(ref w3, 0))));
        var q = Fma(Ld(ref h2, 7 * W), Ld(ref w3, 7 * W), Fma(Ld(ref h2, 6 * W), Ld(ref w3, 6 * W), Fma(Ld(ref h2, 5 * W), Ld(ref w3, 5 * W), Ld(ref h2, 4 * W) * Ld(ref w3, 4 * W))));
        return Vector256.Sum(p + q) + B3.Ref;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        float y = Forward256();
        _y.Ref = y;
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        float y = Forward256();
        float d = y - T.Ref;
        float loss = d * d;
        float dz3 = 2f * d;
        var nlr = Vector256.Create(-Lr);
        ref float h1 = ref _h1.Ref;
        ref float h2 = ref _h2.Ref;
        ref float dz2 = ref _dz2.Ref;
        ref float dz1 = ref _dz1.Ref;
        ref float w3 = ref W3.Ref;
        ref float b2 = ref B2.Ref;
        var one = Vector256<float>.One;

        // Layer 3 and the second tanh: dz2 = dz3·w3·(1 − h2²); w3 −= lr·dz3·h2; b2 −= lr·dz2; b3 −= lr·dz3.
        var s3 = Vector256.Create(dz3);
        var u3 = Vector256.Create(-Lr * dz3);
        for (nint j = 0; j < Hid; j += W)
        {
            var hv = Ld(ref h2, j);
            var wv = Ld(ref w3, j);
            var g = s3 * wv * (one - hv * hv);
            St(ref dz2, j, g);
            St(ref w3, j, Fma(u3, hv, wv));
            St(ref b2, j, Fma(g, nlr, Ld(ref b2, j)));
        }

        B3.Ref -= Lr * dz3;

        // dh1 = dz2·W2 (old W2), then dz1 = dh1·(1 − h1²) into the scratch row.
        ref float w2 = ref W2.Ref;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        ref float row = ref w2;
        for (nint o = 0; o < Hid; o++)
        {
            var g = Bc(ref dz2, o);
            a0 = Fma(g, Ld(ref row, 0), a0);
            a1 = Fma(g, Ld(ref row, W), a1);
            a2 = Fma(g, Ld(ref row, 2 * W), a2);
            a3 = Fma(g, Ld(ref row, 3 * W), a3);
            a4 = Fma(g, Ld(ref row, 4 * W), a4);
            a5 = Fma(g, Ld(ref row, 5 * W), a5);
            a6 = Fma(g, Ld(ref row, 6 * W), a6);
            a7 = Fma(g, Ld(ref row, 7 * W), a7);
            row = ref Unsafe.Add(ref row, Hid);
        }

        St(ref dz1, 0, a0 * (one - Ld(ref h1, 0) * Ld(ref h1, 0)));
        St(ref dz1, W, a1 * (one - Ld(ref h1, W) * Ld(ref h1, W)));
        St(ref dz1, 2 * W, a2 * (one - Ld(ref h1, 2 * W) * Ld(ref h1, 2 * W)));
        St(ref dz1, 3 * W, a3 * (one - Ld(ref h1, 3 * W) * Ld(ref h1, 3 * W)));
        St(ref dz1, 4 * W, a4 * (one - Ld(ref h1, 4 * W) * Ld(ref h1, 4 * W)));
        St(ref dz1, 5 * W, a5 * (one - Ld(ref h1, 5 * W) * Ld(ref h1, 5 * W)));
        St(ref dz1, 6 * W, a6 * (one - Ld(ref h1, 6 * W) * Ld(ref h1, 6 * W)));
        St(ref dz1, 7 * W, a7 * (one - Ld(ref h1, 7 * W) * Ld(ref h1, 7 * W)));

        // W2ᵀ[k, :] −= lr·h1[k]·dz2 and W2[o, :] −= lr·dz2[o]·h1 (the two copies of W2).
        ref float wt2 = ref Wt2.Ref;
        for (nint k = 0; k < Hid; k++)
        {
            ref float r2 = ref Unsafe.Add(ref wt2, k * Hid);
            var s = Vector256.Create(-Lr * Unsafe.Add(ref h1, k));
            for (nint j = 0; j < Hid; j += W)
            {
                St(ref r2, j, Fma(s, Ld(ref dz2, j), Ld(ref r2, j)));
            }

            ref float q2 = ref Unsafe.Add(ref w2, k * Hid);
            var sq = Vector256.Create(-Lr * Unsafe.Add(ref dz2, k));
            for (nint j = 0; j < Hid; j += W)
            {
                St(ref q2, j, Fma(sq, Ld(ref h1, j), Ld(ref q2, j)));
            }
        }

        // W1ᵀ[k, :] −= lr·x[k]·dz1; b1 −= lr·dz1.
        ref float x = ref X.Ref;
        ref float wt1 = ref Wt1.Ref;
        for (nint k = 0; k < In; k++)
        {
            ref float r1 = ref Unsafe.Add(ref wt1, k * Hid);
            var s = Vector256.Create(-Lr * Unsafe.Add(ref x, k));
            for (nint j = 0; j < Hid; j += W)
            {
                St(ref r1, j, Fma(s, Ld(ref dz1, j), Ld(ref r1, j)));
            }
        }

        ref float b1 = ref B1.Ref;
        for (nint j = 0; j < Hid; j += W)
        {
            St(ref b1, j, Fma(Ld(ref dz1, j), nlr, Ld(ref b1, j)));
        }

        return loss;
    }
}

/// <summary>
/// Case 6b's AVX2 hand version (batch 256): 6 × 16 register tiles (<see cref="Gemm256"/>), both forward
/// layers per block of 6 rows while the block's activations are in L1, tanh in place after each layer.
/// </summary>
public sealed partial class Case6b
{
    /// <summary>Both hidden layers for rows r .. r + R (R = Unsafe.SizeOf&lt;TR&gt;()).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Block256<TR>(nint r)
        where TR : struct
    {
        int rows = Unsafe.SizeOf<TR>();
        ref float t1 = ref Unsafe.Add(ref _h1.Ref, r * Hid);
        ref float t2 = ref Unsafe.Add(ref _h2.Ref, r * Hid);
        ref float xr = ref Unsafe.Add(ref X.Ref, r * In);
        ref float wt1 = ref Wt1.Ref;
        ref float wt2 = ref Wt2.Ref;
        ref float b1 = ref B1.Ref;
        ref float b2 = ref B2.Ref;
        for (nint p = 0; p < Hid; p += 2 * W)
        {
            Gemm256.Tile<TR, NoEpilogue256>(ref xr, In, 1, ref Unsafe.Add(ref wt1, p), Hid, In, ref Unsafe.Add(ref t1, p), Hid, ref Unsafe.Add(ref b1, p), true, false, 1f);
        }

        TanhInPlace256(ref t1, rows * Hid);
        for (nint p = 0; p < Hid; p += 2 * W)
        {
            Gemm256.Tile<TR, NoEpilogue256>(ref t1, Hid, 1, ref Unsafe.Add(ref wt2, p), Hid, Hid, ref Unsafe.Add(ref t2, p), Hid, ref Unsafe.Add(ref b2, p), true, false, 1f);
        }

        TanhInPlace256(ref t2, rows * Hid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TanhInPlace256(ref float tile, int count)
    {
        for (nint i = 0; i < count; i += W)
        {
            St(ref tile, i, Tanh(Ld(ref tile, i)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward256()
    {
        nint r = 0;
        for (; r + 6 <= Batch; r += 6)
        {
            Block256<R6>(r);
        }

        Block256<R4>(r); // 256 = 42·6 + 4

        ref float h2 = ref _h2.Ref;
        ref float w3 = ref W3.Ref;
        var w0 = Ld(ref w3, 0);
        var w1 = Ld(ref w3, W);
        var w2 = Ld(ref w3, 2 * W);
        var w3v = Ld(ref w3, 3 * W);
        var w4 = Ld(ref w3, 4 * W);
        var w5 = Ld(ref w3, 5 * W);
        var w6 = Ld(ref w3, 6 * W);
        var w7 = Ld(ref w3, 7 * W);
        float b3 = B3.Ref;
        ref float y = ref _y.Ref;
        for (nint i = 0; i < Batch; i++)
        {
            ref float h = ref Unsafe.Add(ref h2, i * Hid);
            var p = Fma(Ld(ref h, 3 * W), w3v, Fma(Ld(ref h, 2 * W), w2, Fma(Ld(ref h, W), w1, Ld(ref h, 0) * w0)));
            var q = Fma(Ld(ref h, 7 * W), w7, Fma(Ld(ref h, 6 * W), w6, Fma(Ld(ref h, 5 * W), w5, Ld(ref h, 4 * W) * w4)));
            Unsafe.Add(ref y, i) = Vector256.Sum(p + q) + b3;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        Forward256();
        return _y[Batch - 1];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        Forward256();
        ref float y = ref _y.Ref;
        ref float t = ref T.Ref;
        ref float dy = ref _dy.Ref;
        Vector256<float> sq = default, sq1 = default;
        var c = Vector256.Create(2f / Batch);
        for (nint i = 0; i < Batch; i += 2 * W)
        {
            var d0 = Ld(ref y, i) - Ld(ref t, i);
            var d1 = Ld(ref y, i + W) - Ld(ref t, i + W);
            sq = Fma(d0, d0, sq);
            sq1 = Fma(d1, d1, sq1);
            St(ref dy, i, d0 * c);
            St(ref dy, i + W, d1 * c);
        }

        float loss = Vector256.Sum(sq + sq1) / Batch;
        var nlr = Vector256.Create(-Lr);
        var one = Vector256<float>.One;
        ref float h1 = ref _h1.Ref;
        ref float h2 = ref _h2.Ref;
        ref float dz2 = ref _dz2.Ref;
        ref float dz1 = ref _dz1.Ref;
        ref float w3 = ref W3.Ref;
        ref float b2 = ref B2.Ref;

        // Layer 3 and the second tanh, one half of the 64 columns at a time (16 registers hold w3, Σ dy·H2 and
        // Σ dZ2 for 4 vectors): dZ2[r] = dy[r]·w3·(1 − H2[r]²); w3 −= lr·Σ dy[r]·H2[r]; b2 −= lr·Σ dZ2[r].
        for (nint half = 0; half < Hid; half += 4 * W)
        {
            var w0 = Ld(ref w3, half);
            var w1 = Ld(ref w3, half + W);
            var w2v = Ld(ref w3, half + 2 * W);
            var w3v = Ld(ref w3, half + 3 * W);
            Vector256<float> q0 = default, q1 = default, q2 = default, q3 = default;
            Vector256<float> p0 = default, p1 = default, p2 = default, p3 = default;
            for (nint r = 0; r < Batch; r++)
            {
                var s = Bc(ref dy, r);
                ref float h = ref Unsafe.Add(ref h2, r * Hid + half);
                ref float g = ref Unsafe.Add(ref dz2, r * Hid + half);
                var hv0 = Ld(ref h, 0);
                var hv1 = Ld(ref h, W);
                var hv2 = Ld(ref h, 2 * W);
                var hv3 = Ld(ref h, 3 * W);
                q0 = Fma(s, hv0, q0);
                q1 = Fma(s, hv1, q1);
                q2 = Fma(s, hv2, q2);
                q3 = Fma(s, hv3, q3);
                var g0 = s * w0 * (one - hv0 * hv0);
                var g1 = s * w1 * (one - hv1 * hv1);
                var g2 = s * w2v * (one - hv2 * hv2);
                var g3 = s * w3v * (one - hv3 * hv3);
                St(ref g, 0, g0);
                St(ref g, W, g1);
                St(ref g, 2 * W, g2);
                St(ref g, 3 * W, g3);
                p0 += g0;
                p1 += g1;
                p2 += g2;
                p3 += g3;
            }

            St(ref w3, half, Fma(q0, nlr, w0));
            St(ref w3, half + W, Fma(q1, nlr, w1));
            St(ref w3, half + 2 * W, Fma(q2, nlr, w2v));
            St(ref w3, half + 3 * W, Fma(q3, nlr, w3v));
            ref float bh = ref Unsafe.Add(ref b2, half);
            St(ref bh, 0, Fma(p0, nlr, Ld(ref bh, 0)));
            St(ref bh, W, Fma(p1, nlr, Ld(ref bh, W)));
            St(ref bh, 2 * W, Fma(p2, nlr, Ld(ref bh, 2 * W)));
            St(ref bh, 3 * W, Fma(p3, nlr, Ld(ref bh, 3 * W)));
        }

        Vector256<float> sdy0 = default, sdy1 = default;
        for (nint i = 0; i < Batch; i += 2 * W)
        {
            sdy0 += Ld(ref dy, i);
            sdy1 += Ld(ref dy, i + W);
        }

        B3.Ref -= Lr * Vector256.Sum(sdy0 + sdy1);

        // dH1 = dZ2·W2 (old W2), 6 × 16 tiles per 16-column panel.
        ref float w2 = ref W2.Ref;
        for (nint p = 0; p < Hid; p += 2 * W)
        {
            Gemm256.Rows<NoEpilogue256>(Batch, ref dz2, Hid, 1, ref Unsafe.Add(ref w2, p), Hid, Hid, ref Unsafe.Add(ref dz1, p), Hid, ref Unsafe.NullRef<float>(), false, false, 1f);
        }

        // dZ1 = dH1·(1 − H1²) and b1 −= lr·Σ dZ1, one half of the columns at a time.
        ref float b1 = ref B1.Ref;
        for (nint half = 0; half < Hid; half += 4 * W)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (nint r = 0; r < Batch; r++)
            {
                ref float h = ref Unsafe.Add(ref h1, r * Hid + half);
                ref float g = ref Unsafe.Add(ref dz1, r * Hid + half);
                var hv0 = Ld(ref h, 0);
                var hv1 = Ld(ref h, W);
                var hv2 = Ld(ref h, 2 * W);
                var hv3 = Ld(ref h, 3 * W);
                var g0 = Ld(ref g, 0) * (one - hv0 * hv0);
                var g1 = Ld(ref g, W) * (one - hv1 * hv1);
                var g2 = Ld(ref g, 2 * W) * (one - hv2 * hv2);
                var g3 = Ld(ref g, 3 * W) * (one - hv3 * hv3);
                St(ref g, 0, g0);
                St(ref g, W, g1);
                St(ref g, 2 * W, g2);
                St(ref g, 3 * W, g3);
                s0 += g0;
                s1 += g1;
                s2 += g2;
                s3 += g3;
            }

            ref float bh = ref Unsafe.Add(ref b1, half);
            St(ref bh, 0, Fma(s0, nlr, Ld(ref bh, 0)));
            St(ref bh, W, Fma(s1, nlr, Ld(ref bh, W)));
            St(ref bh, 2 * W, Fma(s2, nlr, Ld(ref bh, 2 * W)));
            St(ref bh, 3 * W, Fma(s3, nlr, Ld(ref bh, 3 * W)));
        }

        // G = H1ᵀ·dZ2 = dL/dW2ᵀ; W2ᵀ −= lr·G; W2 −= lr·Gᵀ (the torch-layout copy, element by element).
        ref float gm = ref _g.Ref;
        for (nint p = 0; p < Hid; p += 2 * W)
        {
            Gemm256.Rows<NoEpilogue256>(Hid, ref h1, 1, Hid, ref Unsafe.Add(ref dz2, p), Hid, Batch, ref Unsafe.Add(ref gm, p), Hid, ref Unsafe.NullRef<float>(), false, false, 1f);
        }

        ref float wt2 = ref Wt2.Ref;
        for (nint i = 0; i < Hid * Hid; i += W)
        {
            St(ref wt2, i, Fma(Ld(ref gm, i), nlr, Ld(ref wt2, i)));
        }

        float lr = Lr;
        for (nint o = 0; o < Hid; o++)
        {
            ref float wrow = ref Unsafe.Add(ref w2, o * Hid);
            for (nint k = 0; k < Hid; k++)
            {
                Unsafe.Add(ref wrow, k) -= lr * Unsafe.Add(ref gm, k * Hid + o);
            }
        }

        // W1ᵀ −= lr·Xᵀ·dZ1 (32 rows: 6-row tiles and two 4-row ones).
        ref float x = ref X.Ref;
        ref float wt1 = ref Wt1.Ref;
        for (nint p = 0; p < Hid; p += 2 * W)
        {
            Gemm256.Rows<NoEpilogue256>(In, ref x, 1, In, ref Unsafe.Add(ref dz1, p), Hid, Batch, ref Unsafe.Add(ref wt1, p), Hid, ref Unsafe.NullRef<float>(), false, true, -Lr);
        }

        return loss;
    }
}
