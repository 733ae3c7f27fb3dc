using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using static LayerGen.Benchmarks.Infrastructure.Simd;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Cases 6a and 6b: MLP 32-64-64-1 with tanh (Linear, Tanh, Linear, Tanh, Linear), MSE against a fixed
/// target [batch, 1]. Shared set-up; the hand-written kernels differ by batch size.
/// </summary>
/// <remarks>
/// Hand layouts: W1ᵀ [32, 64] (forward and weight gradient as broadcast × row), W2 both ways — W2ᵀ [64, 64]
/// for the forward and torch's W2 [64, 64] for dH1 = dZ2·W2, both updated each step — w3 [64], b3.
/// </remarks>
public abstract class MlpTanhCase : TrainedCase
{
    protected const int In = 32, Hid = 64;
    private static readonly MseLoss EagerMse = new();

    protected readonly Buf Wt1;
    protected readonly Buf B1;
    protected readonly Buf Wt2;
    protected readonly Buf W2;
    protected readonly Buf B2;
    protected readonly Buf W3;
    protected readonly Buf B3;

    protected MlpTanhCase(float lr, int batch, ulong seed)
        : this(lr, batch, seed, Build(seed))
    {
    }

    private MlpTanhCase(float lr, int batch, ulong seed, (Sequential LayerGen, Sequential Eager, Func<Tensor, Tensor> EagerForward) m)
        : base(lr, batch, Randn(seed + 1, batch, In), Randn(seed + 2, batch, 1), [batch, 1], m.LayerGen, new MseLoss(), m.Eager,
            m.EagerForward, EagerMse.CallEager)
    {
        var l1 = (Linear)m.LayerGen[0];
        var l2 = (Linear)m.LayerGen[2];
        var l3 = (Linear)m.LayerGen[4];
        Wt1 = Copy(l1.Weight, transpose: true);
        B1 = Copy(l1.Bias);
        Wt2 = Copy(l2.Weight, transpose: true);
        W2 = Copy(l2.Weight);
        B2 = Copy(l2.Bias);
        W3 = Copy(l3.Weight);
        B3 = Copy(l3.Bias);
    }

    private static (Sequential, Sequential, Func<Tensor, Tensor>) Build(ulong seed)
    {
        Tensor.ManualSeed(seed);
        var net = new Sequential(new Linear(32, 64), new Tanh(), new Linear(64, 64), new Tanh(), new Linear(64, 1));
        Tensor.ManualSeed(seed);
        var e1 = new Linear(32, 64);
        var e2 = new Tanh();
        var e3 = new Linear(64, 64);
        var e4 = new Tanh();
        var e5 = new Linear(64, 1);
        return (net, new Sequential(e1, e2, e3, e4, e5), x => e5.CallEager(e4.CallEager(e3.CallEager(e2.CallEager(e1.CallEager(x))))));
    }

    public sealed override IReadOnlyList<ParamView> Parameters() =>
        ParamsWith(() => Transposed(Wt1, Hid, In), () => Head(B1, Hid), CheckedW2, () => Head(B2, Hid), () => Head(W3, Hid), () => Head(B3, 1));

    /// <summary>The hand version's W2 (torch layout), after checking that its second copy W2ᵀ agrees.</summary>
    protected float[] CheckedW2()
    {
        var fromTransposed = Transposed(Wt2, Hid, Hid);
        var direct = Head(W2, Hid * Hid);
        for (int i = 0; i < direct.Length; i++)
        {
            if (MathF.Abs(direct[i] - fromTransposed[i]) > 1e-5f * (1f + MathF.Abs(direct[i])))
            {
                throw new InvalidOperationException($"{GetType().Name}: the hand version's W2 and W2ᵀ copies differ at {i}");
            }
        }

        return direct;
    }
}

/// <summary>Case 6a: batch 1 — matrix-vector products, every value in registers or L1.</summary>
public sealed partial class Case6a : MlpTanhCase
{
    private readonly Buf _h1 = new(Hid);
    private readonly Buf _h2 = new(Hid);
    private readonly Buf _dz2 = new(Hid);
    private readonly Buf _y = new(1);

    public Case6a(float lr = DefaultLr)
        : base(lr, 1, 60)
    {
    }

    public override string Title => "6a MLP 32-64-64-1 tanh, batch 1";

    /// <summary>h = tanh(b + Σ_k v[k]·Wᵀ[k, :]) over K inputs, 64 outputs (two sets of accumulators, even and odd k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dense(ref float v, ref float wt, ref float b, int k, ref float h)
    {
        Vector512<float> a0 = Ld(ref b, 0), a1 = Ld(ref b, W), a2 = Ld(ref b, 2 * W), a3 = Ld(ref b, 3 * W);
        Vector512<float> e0 = default, e1 = default, e2 = default, e3 = default;
        ref float row = ref wt;
        for (nint i = 0; i < k; i += 2)
        {
            var x0 = Bc(ref v, i);
            a0 = Fma(x0, Ld(ref row, 0), a0);
            a1 = Fma(x0, Ld(ref row, W), a1);
            a2 = Fma(x0, Ld(ref row, 2 * W), a2);
            a3 = Fma(x0, Ld(ref row, 3 * W), a3);
            var x1 = Bc(ref v, i + 1);
            e0 = Fma(x1, Ld(ref row, Hid), e0);
            e1 = Fma(x1, Ld(ref row, Hid + W), e1);
            e2 = Fma(x1, Ld(ref row, Hid + 2 * W), e2);
            e3 = Fma(x1, Ld(ref row, Hid + 3 * W), e3);
            row = ref Unsafe.Add(ref row, 2 * Hid);
        }

        St(ref h, 0, Tanh(a0 + e0));
        St(ref h, W, Tanh(a1 + e1));
        St(ref h, 2 * W, Tanh(a2 + e2));
        St(ref h, 3 * W, Tanh(a3 + e3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Forward()
    {
        ref float h1 = ref _h1.Ref;
        ref float h2 = ref _h2.Ref;
        Dense(ref X.Ref, ref Wt1.Ref, ref B1.Ref, In, ref h1);
        Dense(ref h1, ref Wt2.Ref, ref B2.Ref, Hid, ref h2);
        ref float w3 = ref W3.Ref;
        var p = Fma(Ld(ref h2, 3 * W), Ld(ref w3, 3 * W), Fma(Ld(ref h2, 2 * W), Ld(ref w3, 2 * W), Fma(Ld(ref h2, W), Ld(ref w3, W), Ld(ref h2, 0) * Ld(ref w3, 0))));
        return Vector512.Sum(p) + B3.Ref;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandForward() => HandIsa.Avx512 ? HandForward512() : HandForward256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandStep() => HandIsa.Avx512 ? HandStep512() : HandStep256();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward512()
    {
        float y = Forward();
        _y.Ref = y;
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        float y = Forward();
        float d = y - T.Ref;
        float loss = d * d;
        float dz3 = 2f * d;
        var nlr = Vector512.Create(-Lr);
        ref float h1 = ref _h1.Ref;
        ref float h2 = ref _h2.Ref;
        ref float dz2 = ref _dz2.Ref;
        ref float w3 = ref W3.Ref;
        ref float b2 = ref B2.Ref;
        var one = Vector512<float>.One;

        // Layer 3 and the second tanh: dz2 = dz3·w3·(1 − h2²); w3 −= lr·dz3·h2; b3 −= lr·dz3.
        var s3 = Vector512.Create(dz3);
        var u3 = Vector512.Create(-Lr * dz3);
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

        // dh1 = dz2·W2 (old W2), then dz1 = dh1·(1 − h1²), kept in registers.
        ref float w2 = ref W2.Ref;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> e0 = default, e1 = default, e2 = default, e3 = default;
        ref float row = ref w2;
        for (nint o = 0; o < Hid; o += 2)
        {
            var g0 = Bc(ref dz2, o);
            a0 = Fma(g0, Ld(ref row, 0), a0);
            a1 = Fma(g0, Ld(ref row, W), a1);
            a2 = Fma(g0, Ld(ref row, 2 * W), a2);
            a3 = Fma(g0, Ld(ref row, 3 * W), a3);
            var g1 = Bc(ref dz2, o + 1);
            e0 = Fma(g1, Ld(ref row, Hid), e0);
            e1 = Fma(g1, Ld(ref row, Hid + W), e1);
            e2 = Fma(g1, Ld(ref row, Hid + 2 * W), e2);
            e3 = Fma(g1, Ld(ref row, Hid + 3 * W), e3);
            row = ref Unsafe.Add(ref row, 2 * Hid);
        }

        var hv0 = Ld(ref h1, 0);
        var hv1 = Ld(ref h1, W);
        var hv2 = Ld(ref h1, 2 * W);
        var hv3 = Ld(ref h1, 3 * W);
        var dz10 = (a0 + e0) * (one - hv0 * hv0);
        var dz11 = (a1 + e1) * (one - hv1 * hv1);
        var dz12 = (a2 + e2) * (one - hv2 * hv2);
        var dz13 = (a3 + e3) * (one - hv3 * hv3);

        // W2ᵀ[k, :] −= lr·h1[k]·dz2 and W2[o, :] −= lr·dz2[o]·h1 (the two copies of W2).
        var d0 = Ld(ref dz2, 0);
        var d1 = Ld(ref dz2, W);
        var d2 = Ld(ref dz2, 2 * W);
        var d3 = Ld(ref dz2, 3 * W);
        ref float wt2 = ref Wt2.Ref;
        for (nint k = 0; k < Hid; k++)
        {
            ref float r2 = ref Unsafe.Add(ref wt2, k * Hid);
            var s = Vector512.Create(-Lr * Unsafe.Add(ref h1, k));
            St(ref r2, 0, Fma(s, d0, Ld(ref r2, 0)));
            St(ref r2, W, Fma(s, d1, Ld(ref r2, W)));
            St(ref r2, 2 * W, Fma(s, d2, Ld(ref r2, 2 * W)));
            St(ref r2, 3 * W, Fma(s, d3, Ld(ref r2, 3 * W)));
            ref float q2 = ref Unsafe.Add(ref w2, k * Hid);
            var sq = Vector512.Create(-Lr * Unsafe.Add(ref dz2, k));
            St(ref q2, 0, Fma(sq, hv0, Ld(ref q2, 0)));
            St(ref q2, W, Fma(sq, hv1, Ld(ref q2, W)));
            St(ref q2, 2 * W, Fma(sq, hv2, Ld(ref q2, 2 * W)));
            St(ref q2, 3 * W, Fma(sq, hv3, Ld(ref q2, 3 * W)));
        }

        // W1ᵀ[k, :] −= lr·x[k]·dz1; b1 −= lr·dz1.
        ref float x = ref X.Ref;
        ref float wt1 = ref Wt1.Ref;
        for (nint k = 0; k < In; k++)
        {
            ref float r1 = ref Unsafe.Add(ref wt1, k * Hid);
            var s = Vector512.Create(-Lr * Unsafe.Add(ref x, k));
            St(ref r1, 0, Fma(s, dz10, Ld(ref r1, 0)));
            St(ref r1, W, Fma(s, dz11, Ld(ref r1, W)));
            St(ref r1, 2 * W, Fma(s, dz12, Ld(ref r1, 2 * W)));
            St(ref r1, 3 * W, Fma(s, dz13, Ld(ref r1, 3 * W)));
        }

        ref float b1 = ref B1.Ref;
        St(ref b1, 0, Fma(dz10, nlr, Ld(ref b1, 0)));
        St(ref b1, W, Fma(dz11, nlr, Ld(ref b1, W)));
        St(ref b1, 2 * W, Fma(dz12, nlr, Ld(ref b1, 2 * W)));
        St(ref b1, 3 * W, Fma(dz13, nlr, Ld(ref b1, 3 * W)));
        return loss;
    }

    public override float[] HandOutput() => Head(_y, 1);
}

/// <summary>Case 6b: batch 256 — 4 × 64 register tiles (<see cref="Gemm"/>) with tanh fused into the forward tiles.</summary>
public sealed partial class Case6b : MlpTanhCase
{
    private const int Batch = 256;
    private readonly Buf _h1 = new(Batch * Hid);
    private readonly Buf _h2 = new(Batch * Hid);
    private readonly Buf _y = new(Batch);
    private readonly Buf _dy = new(Batch);
    private readonly Buf _dz2 = new(Batch * Hid);
    private readonly Buf _dz1 = new(Batch * Hid);
    private readonly Buf _g = new(Hid * Hid);

    public Case6b(float lr = DefaultLr)
        : base(lr, Batch, 61)
    {
    }

    public override string Title => "6b MLP 32-64-64-1 tanh, batch 256";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward()
    {
        ref float x = ref X.Ref;
        ref float h1 = ref _h1.Ref;
        ref float h2 = ref _h2.Ref;
        ref float wt1 = ref Wt1.Ref;
        ref float wt2 = ref Wt2.Ref;
        ref float b1 = ref B1.Ref;
        ref float b2 = ref B2.Ref;
        for (nint r = 0; r < Batch; r += 4)
        {
            ref float t1 = ref Unsafe.Add(ref h1, r * Hid);
            ref float t2 = ref Unsafe.Add(ref h2, r * Hid);
            Gemm.Tile4x64<NoEpilogue>(ref Unsafe.Add(ref x, r * In), In, 1, ref wt1, Hid, In, ref t1, Hid, ref b1, true, false, 1f);
            TanhInPlace(ref t1);
            Gemm.Tile4x64<NoEpilogue>(ref t1, Hid, 1, ref wt2, Hid, Hid, ref t2, Hid, ref b2, true, false, 1f);
            TanhInPlace(ref t2);
        }

        ref float w3 = ref W3.Ref;
        var w0 = Ld(ref w3, 0);
        var w1 = Ld(ref w3, W);
        var w2 = Ld(ref w3, 2 * W);
        var w3v = Ld(ref w3, 3 * W);
        float b3 = B3.Ref;
        ref float y = ref _y.Ref;
        for (nint r = 0; r < Batch; r++)
        {
            ref float h = ref Unsafe.Add(ref h2, r * Hid);
            var p = Fma(Ld(ref h, 3 * W), w3v, Fma(Ld(ref h, 2 * W), w2, Fma(Ld(ref h, W), w1, Ld(ref h, 0) * w0)));
            Unsafe.Add(ref y, r) = Vector512.Sum(p) + b3;
        }
    }

    /// <summary>tanh over a 4 × 64 tile just written (in L1). A separate loop rather than the tile's epilogue:
    /// sixteen inlined tanh in the micro-kernel made its code size, and its speed, vary from run to run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TanhInPlace(ref float tile)
    {
        for (nint i = 0; i < 4 * Hid; i += W)
        {
            St(ref tile, i, Tanh(Ld(ref tile, i)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandForward() => HandIsa.Avx512 ? HandForward512() : HandForward256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandStep() => HandIsa.Avx512 ? HandStep512() : HandStep256();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward512()
    {
        Forward();
        return _y[Batch - 1];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        Forward();
        ref float y = ref _y.Ref;
        ref float t = ref T.Ref;
        ref float dy = ref _dy.Ref;
        Vector512<float> sq = default, sd = default;
        var c = Vector512.Create(2f / Batch);
        for (nint i = 0; i < Batch; i += W)
        {
            var d = Ld(ref y, i) - Ld(ref t, i);
            sq = Fma(d, d, sq);
            var g = d * c;
            sd += g;
            St(ref dy, i, g);
        }

        float loss = Vector512.Sum(sq) / Batch;
        var nlr = Vector512.Create(-Lr);
        var one = Vector512<float>.One;

        // Layer 3 and the second tanh: dZ2[r] = dy[r]·w3·(1 − H2[r]²); dw3 = Σ dy[r]·H2[r]; db2 = Σ dZ2[r].
        ref float h1 = ref _h1.Ref;
        ref float h2 = ref _h2.Ref;
        ref float dz2 = ref _dz2.Ref;
        ref float dz1 = ref _dz1.Ref;
        ref float w3 = ref W3.Ref;
        var w0 = Ld(ref w3, 0);
        var w1 = Ld(ref w3, W);
        var w2v = Ld(ref w3, 2 * W);
        var w3v = Ld(ref w3, 3 * W);
        Vector512<float> q0 = default, q1 = default, q2 = default, q3 = default;
        Vector512<float> p0 = default, p1 = default, p2 = default, p3 = default;
        for (nint r = 0; r < Batch; r++)
        {
            var s = Bc(ref dy, r);
            ref float h = ref Unsafe.Add(ref h2, r * Hid);
            ref float g = ref Unsafe.Add(ref dz2, r * Hid);
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

        St(ref w3, 0, Fma(q0, nlr, w0));
        St(ref w3, W, Fma(q1, nlr, w1));
        St(ref w3, 2 * W, Fma(q2, nlr, w2v));
        St(ref w3, 3 * W, Fma(q3, nlr, w3v));
        float db3 = 0f;
        for (nint i = 0; i < Batch; i++)
        {
            db3 += Unsafe.Add(ref dy, i);
        }

        B3.Ref -= Lr * db3;
        ref float b2 = ref B2.Ref;
        St(ref b2, 0, Fma(p0, nlr, Ld(ref b2, 0)));
        St(ref b2, W, Fma(p1, nlr, Ld(ref b2, W)));
        St(ref b2, 2 * W, Fma(p2, nlr, Ld(ref b2, 2 * W)));
        St(ref b2, 3 * W, Fma(p3, nlr, Ld(ref b2, 3 * W)));

        // dH1 = dZ2·W2 (old W2), then dZ1 = dH1·(1 − H1²) and db1.
        ref float w2 = ref W2.Ref;
        for (nint r = 0; r < Batch; r += 4)
        {
            Gemm.Tile4x64<NoEpilogue>(ref Unsafe.Add(ref dz2, r * Hid), Hid, 1, ref w2, Hid, Hid, ref Unsafe.Add(ref dz1, r * Hid), Hid, ref Unsafe.NullRef<float>(), false, false, 1f);
        }

        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (nint r = 0; r < Batch; r++)
        {
            ref float h = ref Unsafe.Add(ref h1, r * Hid);
            ref float g = ref Unsafe.Add(ref dz1, r * Hid);
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

        ref float b1 = ref B1.Ref;
        St(ref b1, 0, Fma(s0, nlr, Ld(ref b1, 0)));
        St(ref b1, W, Fma(s1, nlr, Ld(ref b1, W)));
        St(ref b1, 2 * W, Fma(s2, nlr, Ld(ref b1, 2 * W)));
        St(ref b1, 3 * W, Fma(s3, nlr, Ld(ref b1, 3 * W)));

        // G = H1ᵀ·dZ2 = dL/dW2ᵀ; W2ᵀ −= lr·G; W2 −= lr·Gᵀ (the torch-layout copy, element by element).
        ref float gm = ref _g.Ref;
        for (nint k = 0; k < Hid; k += 4)
        {
            Gemm.Tile4x64<NoEpilogue>(ref Unsafe.Add(ref h1, k), 1, Hid, ref dz2, Hid, Batch, ref Unsafe.Add(ref gm, k * Hid), Hid, ref Unsafe.NullRef<float>(), false, false, 1f);
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

        // W1ᵀ −= lr·Xᵀ·dZ1.
        ref float x = ref X.Ref;
        ref float wt1 = ref Wt1.Ref;
        for (nint k = 0; k < In; k += 4)
        {
            Gemm.Tile4x64<NoEpilogue>(ref Unsafe.Add(ref x, k), 1, In, ref dz1, Hid, Batch, ref Unsafe.Add(ref wt1, k * Hid), Hid, ref Unsafe.NullRef<float>(), false, true, -Lr);
        }

        return loss;
    }

    public override float[] HandOutput() => Head(_y, Batch);
}
