using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using static LayerGen.Benchmarks.Infrastructure.Simd256;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Case 5's AVX2 hand version (Vector256, 16 ymm registers).
/// </summary>
/// <remarks>
/// Layer 1's weight is kept as 16 column panels, panel p = W1ᵀ[:, 16p .. 16p + 16) stored contiguously
/// ([16][784][16], 50 KB each): the 6 × 16 register tiles of <see cref="Gemm256"/> read a panel's rows one
/// after the other, where W1ᵀ's rows (1 KB apart) would map every row of a 16-column panel to 4 of L1's 64
/// sets. The forward runs each panel in k blocks of <see cref="Kc256"/> (a 12.5 KB block of the panel stays in
/// L1 across the 11 row tiles); the weight gradient Xᵀ·dZ writes the panels directly (SGD fused, alpha = −lr).
/// H and dZ are kept in the same panel-major layout ([16][64][16]) so every tile's B operand and C rows are
/// contiguous. Layer 2 keeps torch's layout as the AVX-512 version does.
/// </remarks>
public sealed partial class Case5
{
    /// <summary>k block of the AVX2 layer-1 forward: 784 = 4 × 196 (a 196 × 16 panel block, 12.5 KB, stays in L1).</summary>
    private const int Kc256 = 196;

    private const int Panel = 16;
    private const int Panels1 = Hidden / Panel;

    private readonly Buf _w1p; // AVX2 layout: W1ᵀ as 16 panels [16][784][16] (empty on the AVX-512 path)

    /// <summary>W1 [256, 784] (torch) into 16-column panels of W1ᵀ: panel p, row i, lane l = W1[16p + l, i].</summary>
    private static Buf Panels(Tensor weight)
    {
        var data = weight.Data;
        var buf = new Buf(Hidden * In);
        for (int j = 0; j < Hidden; j++)
        {
            for (int i = 0; i < In; i++)
            {
                buf[((j / Panel) * In + i) * Panel + j % Panel] = data[j * In + i];
            }
        }

        return buf;
    }

    /// <summary>The panels back in torch's layout [256, 784].</summary>
    private static float[] FromPanels(Buf panels)
    {
        var result = new float[Hidden * In];
        for (int j = 0; j < Hidden; j++)
        {
            for (int i = 0; i < In; i++)
            {
                result[j * In + i] = panels[((j / Panel) * In + i) * Panel + j % Panel];
            }
        }

        return result;
    }

    /// <summary>H = relu(X·W1ᵀ + b1) into panel-major H, panel by panel, k block by k block, 6-row tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Layer1Avx2()
    {
        ref float x = ref X.Ref;
        ref float w = ref _w1p.Ref;
        ref float b = ref _b1.Ref;
        ref float h = ref _h.Ref;
        for (nint p = 0; p < Panels1; p++)
        {
            ref float panel = ref Unsafe.Add(ref w, p * In * Panel);
            ref float hp = ref Unsafe.Add(ref h, p * Batch * Panel);
            ref float bp = ref Unsafe.Add(ref b, p * Panel);
            for (nint k0 = 0; k0 < In; k0 += Kc256)
            {
                bool first = k0 == 0;
                ref float xk = ref Unsafe.Add(ref x, k0);
                ref float wk = ref Unsafe.Add(ref panel, k0 * Panel);
                if (k0 + Kc256 == In)
                {
                    Gemm256.Rows<ReluEpilogue256>(Batch, ref xk, In, 1, ref wk, Panel, Kc256, ref hp, Panel, ref bp, first, !first, 1f);
                }
                else
                {
                    Gemm256.Rows<NoEpilogue256>(Batch, ref xk, In, 1, ref wk, Panel, Kc256, ref hp, Panel, ref bp, first, !first, 1f);
                }
            }
        }
    }

    /// <summary>logits = H·W2ᵀ + b2: 2 rows × 5 classes of dot products (10 accumulators), H read panel by panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Layer2Avx2()
    {
        ref float h = ref _h.Ref;
        ref float w2 = ref _w2.Ref;
        ref float b2 = ref _b2.Ref;
        ref float logits = ref _logits.Ref;
        for (nint r = 0; r < Batch; r += 2)
        {
            for (nint o = 0; o < Classes; o += 5)
            {
                ref float w = ref Unsafe.Add(ref w2, o * Hidden);
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default;
                Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default;
                for (nint p = 0; p < Panels1; p++)
                {
                    ref float h0 = ref Unsafe.Add(ref h, (p * Batch + r) * Panel);
                    for (nint v = 0; v < Panel; v += W)
                    {
                        var x0 = Ld(ref h0, v);
                        var x1 = Ld(ref h0, Panel + v);
                        nint k = p * Panel + v;
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
                }

                ref float l0 = ref Unsafe.Add(ref logits, r * Ld2 + o);
                ref float l1 = ref Unsafe.Add(ref l0, Ld2);
                ref float bo = ref Unsafe.Add(ref b2, o);
                l0 = Vector256.Sum(a0) + bo;
                Unsafe.Add(ref l0, 1) = Vector256.Sum(a1) + Unsafe.Add(ref bo, 1);
                Unsafe.Add(ref l0, 2) = Vector256.Sum(a2) + Unsafe.Add(ref bo, 2);
                Unsafe.Add(ref l0, 3) = Vector256.Sum(a3) + Unsafe.Add(ref bo, 3);
                Unsafe.Add(ref l0, 4) = Vector256.Sum(a4) + Unsafe.Add(ref bo, 4);
                l1 = Vector256.Sum(c0) + bo;
                Unsafe.Add(ref l1, 1) = Vector256.Sum(c1) + Unsafe.Add(ref bo, 1);
                Unsafe.Add(ref l1, 2) = Vector256.Sum(c2) + Unsafe.Add(ref bo, 2);
                Unsafe.Add(ref l1, 3) = Vector256.Sum(c3) + Unsafe.Add(ref bo, 3);
                Unsafe.Add(ref l1, 4) = Vector256.Sum(c4) + Unsafe.Add(ref bo, 4);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        Layer1Avx2();
        Layer2Avx2();
        return _logits[(Batch - 1) * Ld2 + Classes - 1];
    }

    /// <summary>Mean cross-entropy; writes dL/dlogits = (softmax − onehot)/64 (padding lanes 0). Two vectors per row (10 classes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float CrossEntropyAvx2()
    {
        ref float logits = ref _logits.Ref;
        ref float dl = ref _dl.Ref;
        var mask = FirstLanes(Classes - W);
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

            var m = Vector256.Create(max);
            var e0 = Exp(Ld(ref row, 0) - m);
            var e1 = Exp(Ld(ref row, W) - m) & mask;
            float s = Vector256.Sum(e0 + e1);
            int label = _labels[r];
            total += max + MathF.Log(s) - Unsafe.Add(ref row, label);
            var scale = Vector256.Create(inv / s);
            St(ref dl, r * Ld2, e0 * scale);
            St(ref dl, r * Ld2 + W, e1 * scale);
            Unsafe.Add(ref dl, r * Ld2 + label) -= inv;
        }

        return total / Batch;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        Layer1Avx2();
        Layer2Avx2();
        float loss = CrossEntropyAvx2();
        ref float x = ref X.Ref;
        ref float h = ref _h.Ref;
        ref float dl = ref _dl.Ref;
        ref float dz = ref _dz.Ref;
        ref float w2 = ref _w2.Ref;
        ref float b1 = ref _b1.Ref;
        ref float b2 = ref _b2.Ref;
        ref float w1 = ref _w1p.Ref;
        var nlr = Vector256.Create(-Lr);

        // dH = dL·W2 (with the old W2) into panel-major dZ: per panel, 6-row tiles over the 10 classes.
        for (nint p = 0; p < Panels1; p++)
        {
            Gemm256.Rows<NoEpilogue256>(Batch, ref dl, Ld2, 1, ref Unsafe.Add(ref w2, p * Panel), Hidden, Classes,
                ref Unsafe.Add(ref dz, p * Batch * Panel), Panel, ref Unsafe.NullRef<float>(), false, false, 1f);
        }

        // dZ = dH·[H > 0]; b1 −= lr·Σ_rows dZ (panel p's rows are 16 contiguous floats).
        for (nint p = 0; p < Panels1; p++)
        {
            nint at = p * Batch * Panel;
            Vector256<float> s0 = default, s1 = default, t0 = default, t1 = default;
            for (nint r = 0; r < Batch; r += 2, at += 2 * Panel)
            {
                var g0 = Vector256.ConditionalSelect(Vector256.GreaterThan(Ld(ref h, at), Vector256<float>.Zero), Ld(ref dz, at), Vector256<float>.Zero);
                var g1 = Vector256.ConditionalSelect(Vector256.GreaterThan(Ld(ref h, at + W), Vector256<float>.Zero), Ld(ref dz, at + W), Vector256<float>.Zero);
                var g2 = Vector256.ConditionalSelect(Vector256.GreaterThan(Ld(ref h, at + Panel), Vector256<float>.Zero), Ld(ref dz, at + Panel), Vector256<float>.Zero);
                var g3 = Vector256.ConditionalSelect(Vector256.GreaterThan(Ld(ref h, at + Panel + W), Vector256<float>.Zero), Ld(ref dz, at + Panel + W), Vector256<float>.Zero);
                St(ref dz, at, g0);
                St(ref dz, at + W, g1);
                St(ref dz, at + Panel, g2);
                St(ref dz, at + Panel + W, g3);
                s0 += g0;
                s1 += g1;
                t0 += g2;
                t1 += g3;
            }

            ref float bp = ref Unsafe.Add(ref b1, p * Panel);
            St(ref bp, 0, Fma(s0 + t0, nlr, Ld(ref bp, 0)));
            St(ref bp, W, Fma(s1 + t1, nlr, Ld(ref bp, W)));
        }

        // W2 −= lr·dLᵀ·H (rows 10, 11 are padding: their dL column is 0): 12 rows (two 6-row tiles) per panel of H.
        for (nint p = 0; p < Panels1; p++)
        {
            Gemm256.Rows<NoEpilogue256>(12, ref dl, 1, Ld2, ref Unsafe.Add(ref h, p * Batch * Panel), Panel, Batch,
                ref Unsafe.Add(ref w2, p * Panel), Hidden, ref Unsafe.NullRef<float>(), false, true, -Lr);
        }

        // b2 −= lr·Σ_rows dL.
        Vector256<float> sb0 = default, sb1 = default;
        for (nint r = 0; r < Batch; r++)
        {
            sb0 += Ld(ref dl, r * Ld2);
            sb1 += Ld(ref dl, r * Ld2 + W);
        }

        St(ref b2, 0, Fma(sb0, nlr, Ld(ref b2, 0)));
        St(ref b2, W, Fma(sb1, nlr, Ld(ref b2, W)));

        // W1ᵀ −= lr·Xᵀ·dZ into the panels: per panel (dZ's 4 KB panel stays in L1), 6 (k) × 16 tiles over the batch.
        for (nint p = 0; p < Panels1; p++)
        {
            Gemm256.Rows<NoEpilogue256>(In, ref x, 1, In, ref Unsafe.Add(ref dz, p * Batch * Panel), Panel, Batch,
                ref Unsafe.Add(ref w1, p * In * Panel), Panel, ref Unsafe.NullRef<float>(), false, true, -Lr);
        }

        return loss;
    }
}
