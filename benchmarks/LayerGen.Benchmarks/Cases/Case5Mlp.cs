using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using static LayerGen.Benchmarks.Infrastructure.Simd;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Case 5: MLP 784-256-10 with ReLU, batch 64, softmax cross-entropy against fixed labels.
/// </summary>
/// <remarks>
/// The AVX-512 hand version (the AVX2 one is in Case5Mlp.Avx2.cs): layer 1 keeps its weight transposed (Wᵀ [784, 256]) so the forward X·Wᵀ and the
/// weight gradient Xᵀ·dZ are both 4 × 64 register tiles of broadcast × row FMAs (<see cref="Gemm"/>),
/// the forward blocked over k (112 at a time: a 28 KB panel of Wᵀ stays in L1 across the 16 row tiles);
/// the SGD update is fused into the weight-gradient tiles. Layer 2 keeps torch's layout [10, 256]
/// (padded to 12 rows): logits are dot products (2 rows × 5 outputs per tile), dH = dL·W2 and
/// W2 −= lr·dLᵀ·H are tiles again. Softmax: one masked vector per row, <see cref="Simd.Exp"/>.
/// </remarks>
public sealed partial class Case5 : TrainedCase
{
    public const int Batch = 64, In = 784, Hidden = 256, Classes = 10;

    /// <summary>Floating-point operations of one forward pass: 2·64·784·256 + 2·64·256·10.</summary>
    public const double ForwardFlops = 2.0 * Batch * In * Hidden + 2.0 * Batch * Hidden * Classes;

    private const int Kc = 112; // k block of the layer-1 forward (784 = 7 × 112)
    private const int Ld2 = 16; // row stride of the logits / dL buffers (10 classes, padded)

    private readonly Buf _wt1; // AVX-512 layout: W1ᵀ [784, 256] (empty on the AVX2 path, which keeps _w1p)
    private readonly Buf _b1;
    private readonly Buf _w2;  // [12, 256], rows 10 and 11 zero
    private readonly Buf _b2;  // [16], lanes 10.. zero
    private readonly Buf _h = new(Batch * Hidden);
    private readonly Buf _logits = new(Batch * Ld2);
    private readonly Buf _dl = new(Batch * Ld2);
    private readonly Buf _dz = new(Batch * Hidden);
    private readonly int[] _labels;

    public Case5(float lr = DefaultLr)
        : this(lr, Build(), Labels())
    {
    }

    private Case5(float lr, (Sequential LayerGen, Sequential Eager, Linear E1, ReLU E2, Linear E3) m, float[] labels)
        : base(lr, Batch, Randn(51, Batch, In), labels, [Batch], m.LayerGen, new CrossEntropyLoss(Classes), m.Eager,
            x => m.E3.CallEager(m.E2.CallEager(m.E1.CallEager(x))), new CrossEntropyLoss(Classes).CallEager)
    {
        var l1 = (Linear)m.LayerGen[0];
        var l2 = (Linear)m.LayerGen[2];
        _wt1 = HandIsa.Avx512 ? Copy(l1.Weight, transpose: true) : new Buf(0);
        _w1p = HandIsa.Avx512 ? new Buf(0) : Panels(l1.Weight);
        _b1 = Copy(l1.Bias);
        _w2 = Copy(l2.Weight, padTo: 12 * Hidden);
        _b2 = Copy(l2.Bias, padTo: 16);
        _labels = Array.ConvertAll(labels, l => (int)l);
    }

    private static (Sequential, Sequential, Linear, ReLU, Linear) Build()
    {
        Tensor.ManualSeed(5);
        var net = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
        Tensor.ManualSeed(5);
        var e1 = new Linear(784, 256);
        var e2 = new ReLU();
        var e3 = new Linear(256, 10);
        return (net, new Sequential(e1, e2, e3), e1, e2, e3);
    }

    private static float[] Labels()
    {
        var labels = new float[Batch];
        var random = new Random(55);
        for (int i = 0; i < Batch; i++)
        {
            labels[i] = random.Next(Classes);
        }

        return labels;
    }

    public override string Title => "5 MLP 784-256-10 relu, batch 64, softmax cross-entropy";

    /// <summary>H = relu(X·W1ᵀ + b1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Layer1()
    {
        ref float x = ref X.Ref;
        ref float wt = ref _wt1.Ref;
        ref float b = ref _b1.Ref;
        ref float h = ref _h.Ref;
        for (nint j = 0; j < Hidden; j += 64)
        {
            for (nint k0 = 0; k0 < In; k0 += Kc)
            {
                bool first = k0 == 0;
                bool last = k0 + Kc == In;
                ref float panel = ref Unsafe.Add(ref wt, k0 * Hidden + j);
                for (nint r = 0; r < Batch; r += 4)
                {
                    ref float xr = ref Unsafe.Add(ref x, r * In + k0);
                    ref float hr = ref Unsafe.Add(ref h, r * Hidden + j);
                    if (last)
                    {
                        Gemm.Tile4x64<ReluEpilogue>(ref xr, In, 1, ref panel, Hidden, Kc, ref hr, Hidden, ref Unsafe.Add(ref b, j), first, !first, 1f);
                    }
                    else
                    {
                        Gemm.Tile4x64<NoEpilogue>(ref xr, In, 1, ref panel, Hidden, Kc, ref hr, Hidden, ref Unsafe.Add(ref b, j), first, !first, 1f);
                    }
                }
            }
        }
    }

    /// <summary>logits = H·W2ᵀ + b2, 2 rows × 5 classes of dot products at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Layer2()
    {
        ref float h = ref _h.Ref;
        ref float w2 = ref _w2.Ref;
        ref float b2 = ref _b2.Ref;
        ref float logits = ref _logits.Ref;
        for (nint r = 0; r < Batch; r += 2)
        {
            ref float h0 = ref Unsafe.Add(ref h, r * Hidden);
            ref float h1 = ref Unsafe.Add(ref h0, Hidden);
            for (nint o = 0; o < Classes; o += 5)
            {
                ref float w = ref Unsafe.Add(ref w2, o * Hidden);
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default;
                Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default;
                for (nint k = 0; k < Hidden; k += W)
                {
                    var x0 = Ld(ref h0, k);
                    var x1 = Ld(ref h1, k);
                    var w0 = Ld(ref w, k);
                    a0 = Fma(x0, w0, a0);
                    c0 = Fma(x1, w0, c0);
                    var w1 = Ld(ref w, Hidden + k);
                    a1 = Fma(x0, w1, a1);
                    c1 = Fma(x1, w1, c1);
                    var w2v = Ld(ref w, 2 * Hidden + k);
                    a2 = Fma(x0, w2v, a2);
                    c2 = Fma(x1, w2v, c2);
                    var w3 = Ld(ref w, 3 * Hidden + k);
                    a3 = Fma(x0, w3, a3);
                    c3 = Fma(x1, w3, c3);
                    var w4 = Ld(ref w, 4 * Hidden + k);
                    a4 = Fma(x0, w4, a4);
                    c4 = Fma(x1, w4, c4);
                }

                ref float l0 = ref Unsafe.Add(ref logits, r * Ld2 + o);
                ref float l1 = ref Unsafe.Add(ref l0, Ld2);
                ref float bo = ref Unsafe.Add(ref b2, o);
                l0 = Vector512.Sum(a0) + bo;
                Unsafe.Add(ref l0, 1) = Vector512.Sum(a1) + Unsafe.Add(ref bo, 1);
                Unsafe.Add(ref l0, 2) = Vector512.Sum(a2) + Unsafe.Add(ref bo, 2);
                Unsafe.Add(ref l0, 3) = Vector512.Sum(a3) + Unsafe.Add(ref bo, 3);
                Unsafe.Add(ref l0, 4) = Vector512.Sum(a4) + Unsafe.Add(ref bo, 4);
                l1 = Vector512.Sum(c0) + bo;
                Unsafe.Add(ref l1, 1) = Vector512.Sum(c1) + Unsafe.Add(ref bo, 1);
                Unsafe.Add(ref l1, 2) = Vector512.Sum(c2) + Unsafe.Add(ref bo, 2);
                Unsafe.Add(ref l1, 3) = Vector512.Sum(c3) + Unsafe.Add(ref bo, 3);
                Unsafe.Add(ref l1, 4) = Vector512.Sum(c4) + Unsafe.Add(ref bo, 4);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandForward() => HandIsa.Avx512 ? HandForward512() : HandForward256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandStep() => HandIsa.Avx512 ? HandStep512() : HandStep256();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward512()
    {
        Layer1();
        Layer2();
        return _logits[(Batch - 1) * Ld2 + Classes - 1];
    }

    /// <summary>Mean cross-entropy; writes dL/dlogits = (softmax − onehot)/64 (padding lanes 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float CrossEntropy()
    {
        ref float logits = ref _logits.Ref;
        ref float dl = ref _dl.Ref;
        var mask = FirstLanes(Classes);
        var negInf = Vector512.Create(float.NegativeInfinity);
        const float inv = 1f / Batch;
        float total = 0f;
        for (nint r = 0; r < Batch; r++)
        {
            ref float row = ref Unsafe.Add(ref logits, r * Ld2);
            float max = row;
            for (nint o = 1; o < Classes; o++)
            {
                max = MathF.Max(max, Unsafe.Add(ref row, o));
            }

            var l = Vector512.ConditionalSelect(mask, Ld(ref row, 0), negInf);
            var e = Vector512.ConditionalSelect(mask, Exp(l - Vector512.Create(max)), Vector512<float>.Zero);
            float s = Vector512.Sum(e);
            int label = _labels[r];
            total += max + MathF.Log(s) - Unsafe.Add(ref row, label);
            St(ref dl, r * Ld2, e * Vector512.Create(inv / s));
            Unsafe.Add(ref dl, r * Ld2 + label) -= inv;
        }

        return total / Batch;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        Layer1();
        Layer2();
        float loss = CrossEntropy();
        ref float x = ref X.Ref;
        ref float h = ref _h.Ref;
        ref float dl = ref _dl.Ref;
        ref float dz = ref _dz.Ref;
        ref float w2 = ref _w2.Ref;
        ref float b1 = ref _b1.Ref;
        ref float b2 = ref _b2.Ref;
        ref float wt1 = ref _wt1.Ref;
        var nlr = Vector512.Create(-Lr);

        // dH = dL·W2 (with the old W2), 4 × 64 tiles over 10 classes.
        for (nint r = 0; r < Batch; r += 4)
        {
            for (nint j = 0; j < Hidden; j += 64)
            {
                Gemm.Tile4x64<NoEpilogue>(ref Unsafe.Add(ref dl, r * Ld2), Ld2, 1, ref Unsafe.Add(ref w2, j), Hidden, Classes,
                    ref Unsafe.Add(ref dz, r * Hidden + j), Hidden, ref Unsafe.NullRef<float>(), false, false, 1f);
            }
        }

        // dZ = dH·[H > 0]; b1 −= lr·Σ_rows dZ.
        for (nint v = 0; v < Hidden; v += W)
        {
            Vector512<float> s0 = default, s1 = default;
            for (nint r = 0; r < Batch; r += 2)
            {
                nint i0 = r * Hidden + v, i1 = i0 + Hidden;
                var g0 = Vector512.ConditionalSelect(Vector512.GreaterThan(Ld(ref h, i0), Vector512<float>.Zero), Ld(ref dz, i0), Vector512<float>.Zero);
                var g1 = Vector512.ConditionalSelect(Vector512.GreaterThan(Ld(ref h, i1), Vector512<float>.Zero), Ld(ref dz, i1), Vector512<float>.Zero);
                St(ref dz, i0, g0);
                St(ref dz, i1, g1);
                s0 += g0;
                s1 += g1;
            }

            St(ref b1, v, Fma(s0 + s1, nlr, Ld(ref b1, v)));
        }

        // W2 −= lr·dLᵀ·H (rows 10, 11 are padding: their dL column is 0); b2 −= lr·Σ_rows dL.
        for (nint o = 0; o < 12; o += 4)
        {
            for (nint j = 0; j < Hidden; j += 64)
            {
                Gemm.Tile4x64<NoEpilogue>(ref Unsafe.Add(ref dl, o), 1, Ld2, ref Unsafe.Add(ref h, j), Hidden, Batch,
                    ref Unsafe.Add(ref w2, o * Hidden + j), Hidden, ref Unsafe.NullRef<float>(), false, true, -Lr);
            }
        }

        Vector512<float> sb0 = default, sb1 = default;
        for (nint r = 0; r < Batch; r += 2)
        {
            sb0 += Ld(ref dl, r * Ld2);
            sb1 += Ld(ref dl, (r + 1) * Ld2);
        }

        St(ref b2, 0, Fma(sb0 + sb1, nlr, Ld(ref b2, 0)));

        // W1ᵀ −= lr·Xᵀ·dZ, 4 (k) × 64 (hidden) tiles over the batch; a 64 × 64 column block of dZ stays in L1.
        for (nint j = 0; j < Hidden; j += 64)
        {
            for (nint k = 0; k < In; k += 4)
            {
                Gemm.Tile4x64<NoEpilogue>(ref Unsafe.Add(ref x, k), 1, In, ref Unsafe.Add(ref dz, j), Hidden, Batch,
                    ref Unsafe.Add(ref wt1, k * Hidden + j), Hidden, ref Unsafe.NullRef<float>(), false, true, -Lr);
            }
        }

        return loss;
    }

    public override float[] HandOutput()
    {
        var result = new float[Batch * Classes];
        for (int r = 0; r < Batch; r++)
        {
            _logits.Span.Slice(r * Ld2, Classes).CopyTo(result.AsSpan(r * Classes));
        }

        return result;
    }

    public override IReadOnlyList<ParamView> Parameters() =>
        ParamsWith(() => HandIsa.Avx512 ? Transposed(_wt1, Hidden, In) : FromPanels(_w1p), () => Head(_b1, Hidden), () => Head(_w2, Classes * Hidden), () => Head(_b2, Classes));
}
