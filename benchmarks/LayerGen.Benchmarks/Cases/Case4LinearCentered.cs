using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using LayerGen.Benchmarks.Layers;
using static LayerGen.Benchmarks.Infrastructure.Simd;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Case 4: the chapter's Sequential(Linear(8, 128), CenteredLayer()), batch 4, MSE against a fixed
/// target [4, 128]. The hand version keeps the weight transposed ([in, out] = [8, 128]) so both the
/// forward (x·Wᵀ) and the weight gradient (xᵀ·dz) are broadcast-times-row FMAs over contiguous rows.
/// </summary>
public sealed partial class Case4 : TrainedCase
{
    private const int Rows4 = 4, In = 8, Out = 128, Count = Rows4 * Out;
    private static readonly MseLoss EagerMse = new();
    private readonly Buf _wt;
    private readonly Buf _b;
    private readonly Buf _y = new(Count);
    private readonly Buf _z = new(Count);

    public Case4(float lr = DefaultLr)
        : this(lr, Build())
    {
    }

    private Case4(float lr, (Sequential LayerGen, Sequential Eager, Linear E1, CenteredLayer E2) m)
        : base(lr, Rows4, Randn(41, Rows4, In), Randn(42, Rows4, Out), [Rows4, Out], m.LayerGen, new MseLoss(), m.Eager,
            x => m.E2.CallEager(m.E1.CallEager(x)), EagerMse.CallEager)
    {
        var linear = (Linear)m.LayerGen[0];
        _wt = Copy(linear.Weight, transpose: true);
        _b = Copy(linear.Bias);
    }

    private static (Sequential, Sequential, Linear, CenteredLayer) Build()
    {
        Tensor.ManualSeed(4);
        var net = new Sequential(new Linear(8, 128), new CenteredLayer());
        Tensor.ManualSeed(4);
        var e1 = new Linear(8, 128);
        var e2 = new CenteredLayer();
        return (net, new Sequential(e1, e2), e1, e2);
    }

    public override string Title => "4 Linear(8,128)→CenteredLayer, batch 4";

    /// <summary>z = x·Wᵀ + b into <paramref name="z"/>; returns mean(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Affine(ref float z)
    {
        ref float x = ref X.Ref;
        ref float wt = ref _wt.Ref;
        ref float b = ref _b.Ref;
        Gemm.Tile4x64<NoEpilogue>(ref x, In, 1, ref wt, Out, In, ref z, Out, ref b, true, false, 1f);
        Gemm.Tile4x64<NoEpilogue>(ref x, In, 1, ref Unsafe.Add(ref wt, 64), Out, In, ref Unsafe.Add(ref z, 64), Out, ref Unsafe.Add(ref b, 64), true, false, 1f);
        Vector512<float> s0 = default, s1 = default;
        for (nint i = 0; i < Count; i += 2 * W)
        {
            s0 += Ld(ref z, i);
            s1 += Ld(ref z, i + W);
        }

        return Vector512.Sum(s0 + s1) / Count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandForward() => HandIsa.Avx512 ? HandForward512() : HandForward256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandStep() => HandIsa.Avx512 ? HandStep512() : HandStep256();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward512()
    {
        ref float y = ref _y.Ref;
        var m = Vector512.Create(Affine(ref y));
        for (nint i = 0; i < Count; i += W)
        {
            St(ref y, i, Ld(ref y, i) - m);
        }

        return _y[Count - 1];
    }

    // d = z − mean z − t; loss = Σd²/N; dL/dy = 2d/N; through the centering: dz = (2/N)(d − mean d);
    // b −= lr·Σ_rows dz; Wᵀ −= lr·xᵀ·dz.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        ref float z = ref _z.Ref;
        ref float t = ref T.Ref;
        var m = Vector512.Create(Affine(ref z));
        Vector512<float> sd = default, sq = default;
        for (nint i = 0; i < Count; i += W)
        {
            var d = Ld(ref z, i) - m - Ld(ref t, i);
            St(ref z, i, d);
            sd += d;
            sq = Fma(d, d, sq);
        }

        float loss = Vector512.Sum(sq) / Count;
        var md = Vector512.Create(Vector512.Sum(sd) / Count);
        var c = Vector512.Create(2f / Count);
        var nlr = Vector512.Create(-Lr);
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
            St(ref b, v, Fma((g0 + g1) + (g2 + g3), nlr, Ld(ref b, v)));
        }

        ref float x = ref X.Ref;
        ref float wt = ref _wt.Ref;
        for (nint k = 0; k < In; k += 4)
        {
            for (nint j = 0; j < Out; j += 64)
            {
                Gemm.Tile4x64<NoEpilogue>(ref Unsafe.Add(ref x, k), 1, In, ref Unsafe.Add(ref z, j), Out, Rows4,
                    ref Unsafe.Add(ref wt, k * Out + j), Out, ref Unsafe.NullRef<float>(), false, true, -Lr);
            }
        }

        return loss;
    }

    public override float[] HandOutput() => Head(_y, Count);

    public override IReadOnlyList<ParamView> Parameters() => ParamsWith(() => Transposed(_wt, Out, In), () => Head(_b, Out));
}
