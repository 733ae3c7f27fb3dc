using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using LayerGen.Benchmarks.Layers;
using static LayerGen.Benchmarks.Infrastructure.Simd;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Case 7: the bilinear exercise, y[b, k] = Σ_ij W[i, j, k]·x[b, i]·x[b, j] with W [16, 16, 8], batch 8,
/// MSE against a fixed target [8, 8].
/// </summary>
/// <remarks>
/// Hand version: W[i, 2p..2p+1, :] is 16 contiguous floats, one Vector512 V[i, p]. Per row b,
/// A[p] = Σ_i x_i·V[i, p] (lane l &lt; 8: Σ_i x_i W[i, 2p, l]; lane 8 + l: Σ_i x_i W[i, 2p+1, l]), then
/// y = Σ_p A[p]·[x_{2p} ×8 | x_{2p+1} ×8], halves added. Two rows at a time (16 accumulators).
/// Gradient: dW[i, j, k] = Σ_b x_bi·x_bj·dy_bk, i.e. dV[i, p] = Σ_b x_bi·U[b, p] with
/// U[b, p] = [x_{2p} ×8 | x_{2p+1} ×8]·[dy_b | dy_b], fused with the SGD update.
/// </remarks>
public sealed partial class Case7 : TrainedCase
{
    private const int Batch = 8, N = 16, K = 8;
    private static readonly MseLoss EagerMse = new();
    private static Vector512<int> P0
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    }

    private static Vector512<int> P1
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    }

    private static Vector512<int> P2
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5);
    }

    private static Vector512<int> P3
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);
    }

    private static Vector512<int> P4
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9);
    }

    private static Vector512<int> P5
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 11, 11);
    }

    private static Vector512<int> P6
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(12, 12, 12, 12, 12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13);
    }

    private static Vector512<int> P7
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(14, 14, 14, 14, 14, 14, 14, 14, 15, 15, 15, 15, 15, 15, 15, 15);
    }


    private readonly Buf _w;
    private readonly Buf _y = new(Batch * K);
    private readonly Buf _u = new(Batch * 8 * W);

    public Case7(float lr = DefaultLr)
        : this(lr, Build())
    {
    }

    private Case7(float lr, (TensorReduction LayerGen, TensorReduction Eager) m)
        : base(lr, Batch, Randn(71, Batch, N), Randn(72, Batch, K), [Batch, K], m.LayerGen, new MseLoss(), m.Eager, m.Eager.CallEager, EagerMse.CallEager)
    {
        _w = Copy(m.LayerGen.Weight);
    }

    private static (TensorReduction, TensorReduction) Build()
    {
        Tensor.ManualSeed(7);
        var a = new TensorReduction(16, 8);
        Tensor.ManualSeed(7);
        var b = new TensorReduction(16, 8);
        return (a, b);
    }

    public override string Title => "7 bilinear W[16,16,8], batch 8";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Combine(Vector512<float> x, Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7)
    {
        var s = Fma(a3, Pair(x, P3), Fma(a2, Pair(x, P2), Fma(a1, Pair(x, P1), a0 * Pair(x, P0))));
        var t = Fma(a7, Pair(x, P7), Fma(a6, Pair(x, P6), Fma(a5, Pair(x, P5), a4 * Pair(x, P4))));
        return s + t;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward()
    {
        ref float x = ref X.Ref;
        ref float w = ref _w.Ref;
        ref float y = ref _y.Ref;
        for (nint b = 0; b < Batch; b += 2)
        {
            ref float xa = ref Unsafe.Add(ref x, b * N);
            ref float xb = ref Unsafe.Add(ref xa, N);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            ref float wi = ref w;
            for (nint i = 0; i < N; i++)
            {
                var va = Bc(ref xa, i);
                var vb = Bc(ref xb, i);
                var w0 = Ld(ref wi, 0);
                a0 = Fma(va, w0, a0);
                c0 = Fma(vb, w0, c0);
                var w1 = Ld(ref wi, W);
                a1 = Fma(va, w1, a1);
                c1 = Fma(vb, w1, c1);
                var w2 = Ld(ref wi, 2 * W);
                a2 = Fma(va, w2, a2);
                c2 = Fma(vb, w2, c2);
                var w3 = Ld(ref wi, 3 * W);
                a3 = Fma(va, w3, a3);
                c3 = Fma(vb, w3, c3);
                var w4 = Ld(ref wi, 4 * W);
                a4 = Fma(va, w4, a4);
                c4 = Fma(vb, w4, c4);
                var w5 = Ld(ref wi, 5 * W);
                a5 = Fma(va, w5, a5);
                c5 = Fma(vb, w5, c5);
                var w6 = Ld(ref wi, 6 * W);
                a6 = Fma(va, w6, a6);
                c6 = Fma(vb, w6, c6);
                var w7 = Ld(ref wi, 7 * W);
                a7 = Fma(va, w7, a7);
                c7 = Fma(vb, w7, c7);
                wi = ref Unsafe.Add(ref wi, 8 * W);
            }

            var ya = Combine(Ld(ref xa, 0), a0, a1, a2, a3, a4, a5, a6, a7);
            var yb = Combine(Ld(ref xb, 0), c0, c1, c2, c3, c4, c5, c6, c7);
            St(ref y, b * K, Lows(ya, yb) + Highs(ya, yb));
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
        return _y[Batch * K - 1];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        Forward();
        ref float x = ref X.Ref;
        ref float y = ref _y.Ref;
        ref float t = ref T.Ref;
        ref float u = ref _u.Ref;
        Vector512<float> sq = default;
        var c = Vector512.Create(-Lr * 2f / (Batch * K)); // −lr·dL/dy per (y − t)
        for (nint q = 0; q < Batch / 2; q++)
        {
            var d = Ld(ref y, q * W) - Ld(ref t, q * W);
            sq = Fma(d, d, sq);
            var g = d * c;
            for (nint half = 0; half < 2; half++)
            {
                nint b = 2 * q + half;
                var dup = half == 0 ? DupLow(g) : DupHigh(g);
                var xv = Ld(ref x, b * N);
                ref float ub = ref Unsafe.Add(ref u, b * 8 * W);
                St(ref ub, 0, Pair(xv, P0) * dup);
                St(ref ub, W, Pair(xv, P1) * dup);
                St(ref ub, 2 * W, Pair(xv, P2) * dup);
                St(ref ub, 3 * W, Pair(xv, P3) * dup);
                St(ref ub, 4 * W, Pair(xv, P4) * dup);
                St(ref ub, 5 * W, Pair(xv, P5) * dup);
                St(ref ub, 6 * W, Pair(xv, P6) * dup);
                St(ref ub, 7 * W, Pair(xv, P7) * dup);
            }
        }

        float loss = Vector512.Sum(sq) / (Batch * K);

        // V[i, p] += Σ_b x_bi·U[b, p] (U already carries −lr): for each p, the 8 U[b, p] stay in registers.
        ref float w = ref _w.Ref;
        for (nint p = 0; p < 8; p++)
        {
            ref float up = ref Unsafe.Add(ref u, p * W);
            var u0 = Ld(ref up, 0);
            var u1 = Ld(ref up, 8 * W);
            var u2 = Ld(ref up, 16 * W);
            var u3 = Ld(ref up, 24 * W);
            var u4 = Ld(ref up, 32 * W);
            var u5 = Ld(ref up, 40 * W);
            var u6 = Ld(ref up, 48 * W);
            var u7 = Ld(ref up, 56 * W);
            for (nint i = 0; i < N; i++)
            {
                var s = Fma(Bc(ref x, 3 * N + i), u3, Fma(Bc(ref x, 2 * N + i), u2, Fma(Bc(ref x, N + i), u1, Bc(ref x, i) * u0)));
                var r = Fma(Bc(ref x, 7 * N + i), u7, Fma(Bc(ref x, 6 * N + i), u6, Fma(Bc(ref x, 5 * N + i), u5, Bc(ref x, 4 * N + i) * u4)));
                nint at = (i * 8 + p) * W;
                St(ref w, at, Ld(ref w, at) + (s + r));
            }
        }

        return loss;
    }

    public override float[] HandOutput() => Head(_y, Batch * K);

    public override IReadOnlyList<ParamView> Parameters() => ParamsWith(() => Head(_w, N * N * K));
}
