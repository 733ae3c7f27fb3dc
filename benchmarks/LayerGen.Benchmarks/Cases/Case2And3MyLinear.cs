using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using LayerGen.Benchmarks.Layers;
using static LayerGen.Benchmarks.Infrastructure.Simd;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// The hand-written MyLinear(64, 8) + ReLU at batch 2 (cases 2 and 3). Weight [64, 8] row-major: rows
/// k and k+1 are 16 contiguous floats, one Vector512 ("pair" q = k/2). Both batch rows' outputs live in
/// one vector, [y0 (8 lanes) | y1 (8 lanes)].
/// </summary>
internal static class HandMyLinear64x8
{
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


    /// <summary>relu(x·W + b) for x [2, 64], as [y0 | y1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Forward(ref float x, ref float w, ref float b)
    {
        // Lane l < 8 of a row's accumulator sums x[k]·W[k, l] over even k, lane 8 + l over odd k.
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (nint ch = 0; ch < 4; ch++)
        {
            var x0 = Ld(ref x, ch * W);
            var x1 = Ld(ref x, 64 + ch * W);
            ref float wc = ref Unsafe.Add(ref w, ch * 8 * W);
            var w0 = Ld(ref wc, 0);
            a0 = Fma(Pair(x0, P0), w0, a0);
            c0 = Fma(Pair(x1, P0), w0, c0);
            var w1 = Ld(ref wc, W);
            a1 = Fma(Pair(x0, P1), w1, a1);
            c1 = Fma(Pair(x1, P1), w1, c1);
            var w2 = Ld(ref wc, 2 * W);
            a2 = Fma(Pair(x0, P2), w2, a2);
            c2 = Fma(Pair(x1, P2), w2, c2);
            var w3 = Ld(ref wc, 3 * W);
            a3 = Fma(Pair(x0, P3), w3, a3);
            c3 = Fma(Pair(x1, P3), w3, c3);
            var w4 = Ld(ref wc, 4 * W);
            a0 = Fma(Pair(x0, P4), w4, a0);
            c0 = Fma(Pair(x1, P4), w4, c0);
            var w5 = Ld(ref wc, 5 * W);
            a1 = Fma(Pair(x0, P5), w5, a1);
            c1 = Fma(Pair(x1, P5), w5, c1);
            var w6 = Ld(ref wc, 6 * W);
            a2 = Fma(Pair(x0, P6), w6, a2);
            c2 = Fma(Pair(x1, P6), w6, c2);
            var w7 = Ld(ref wc, 7 * W);
            a3 = Fma(Pair(x0, P7), w7, a3);
            c3 = Fma(Pair(x1, P7), w7, c3);
        }

        var a = (a0 + a1) + (a2 + a3);
        var c = (c0 + c1) + (c2 + c3);
        return Relu(Lows(a, c) + Highs(a, c) + DupLow(Ld(ref b, 0)));
    }

    /// <summary>SGD update from dL/dz = dz ([dz0 | dz1], after the ReLU mask): W −= lr·xᵀ·dz, b −= lr·Σ dz.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update(ref float x, ref float w, ref float b, Vector512<float> dz, float lr)
    {
        var nlr = Vector512.Create(-lr);
        var db = dz.GetLower() + dz.GetUpper();
        Vector256.FusedMultiplyAdd(db, Vector256.Create(-lr), Vector256.LoadUnsafe(ref b)).StoreUnsafe(ref b);
        var d0 = DupLow(dz) * nlr;
        var d1 = DupHigh(dz) * nlr;
        for (nint ch = 0; ch < 4; ch++)
        {
            var x0 = Ld(ref x, ch * W);
            var x1 = Ld(ref x, 64 + ch * W);
            ref float wc = ref Unsafe.Add(ref w, ch * 8 * W);
            St(ref wc, 0, Ld(ref wc, 0) + Fma(Pair(x1, P0), d1, Pair(x0, P0) * d0));
            St(ref wc, W, Ld(ref wc, W) + Fma(Pair(x1, P1), d1, Pair(x0, P1) * d0));
            St(ref wc, 2 * W, Ld(ref wc, 2 * W) + Fma(Pair(x1, P2), d1, Pair(x0, P2) * d0));
            St(ref wc, 3 * W, Ld(ref wc, 3 * W) + Fma(Pair(x1, P3), d1, Pair(x0, P3) * d0));
            St(ref wc, 4 * W, Ld(ref wc, 4 * W) + Fma(Pair(x1, P4), d1, Pair(x0, P4) * d0));
            St(ref wc, 5 * W, Ld(ref wc, 5 * W) + Fma(Pair(x1, P5), d1, Pair(x0, P5) * d0));
            St(ref wc, 6 * W, Ld(ref wc, 6 * W) + Fma(Pair(x1, P6), d1, Pair(x0, P6) * d0));
            St(ref wc, 7 * W, Ld(ref wc, 7 * W) + Fma(Pair(x1, P7), d1, Pair(x0, P7) * d0));
        }
    }
}

/// <summary>Case 2: MyLinear(64, 8) (relu(x·W + b)), batch 2, MSE against a fixed target [2, 8].</summary>
public sealed partial class Case2 : TrainedCase
{
    private static readonly MseLoss EagerMse = new();
    private readonly Buf _w;
    private readonly Buf _b;
    private readonly Buf _y = new(16);

    public Case2(float lr = DefaultLr)
        : this(lr, Build())
    {
    }

    private Case2(float lr, (MyLinear LayerGen, MyLinear Eager) m)
        : base(lr, 2, Randn(21, 2, 64), Randn(22, 2, 8), [2, 8], m.LayerGen, new MseLoss(), m.Eager, m.Eager.CallEager, EagerMse.CallEager)
    {
        _w = Copy(m.LayerGen.Weight);
        _b = Copy(m.LayerGen.Bias);
    }

    private static (MyLinear, MyLinear) Build()
    {
        Tensor.ManualSeed(2);
        var a = new MyLinear(64, 8);
        Tensor.ManualSeed(2);
        var b = new MyLinear(64, 8);
        return (a, b);
    }

    public override string Title => "2 MyLinear 64→8 relu, batch 2";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandForward() => HandIsa.Avx512 ? HandForward512() : HandForward256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandStep() => HandIsa.Avx512 ? HandStep512() : HandStep256();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward512()
    {
        var y = HandMyLinear64x8.Forward(ref X.Ref, ref _w.Ref, ref _b.Ref);
        St(ref _y.Ref, 0, y);
        return y.GetElement(15);
    }

    // loss = Σ(y − t)²/16; dL/dz = (2/16)(y − t)·[y > 0]; then the fused SGD update.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        var y = HandMyLinear64x8.Forward(ref X.Ref, ref _w.Ref, ref _b.Ref);
        var d = y - Ld(ref T.Ref, 0);
        float loss = Vector512.Sum(d * d) / 16;
        var dz = Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), d * Vector512.Create(2f / 16), Vector512<float>.Zero);
        HandMyLinear64x8.Update(ref X.Ref, ref _w.Ref, ref _b.Ref, dz, Lr);
        return loss;
    }

    public override float[] HandOutput() => Head(_y, 16);

    public override IReadOnlyList<ParamView> Parameters() => ParamsWith(() => Head(_w, 64 * 8), () => Head(_b, 8));
}

/// <summary>Case 3: the chapter's net, MyLinear(64, 8) → MyLinear(8, 1), batch 2, MSE against a fixed target [2, 1].</summary>
public sealed partial class Case3 : TrainedCase
{
    private static readonly MseLoss EagerMse = new();
    private readonly Buf _w1;
    private readonly Buf _b1;
    private readonly Buf _w2;
    private readonly Buf _b2;
    private readonly Buf _y = new(2);

    public Case3(float lr = DefaultLr)
        : this(lr, Build())
    {
    }

    private Case3(float lr, (Sequential LayerGen, Sequential Eager, MyLinear E1, MyLinear E2) m)
        : base(lr, 2, Randn(31, 2, 64), Randn(32, 2, 1), [2, 1], m.LayerGen, new MseLoss(), m.Eager,
            x => m.E2.CallEager(m.E1.CallEager(x)), EagerMse.CallEager)
    {
        var l1 = (MyLinear)m.LayerGen[0];
        var l2 = (MyLinear)m.LayerGen[1];
        _w1 = Copy(l1.Weight);
        _b1 = Copy(l1.Bias);
        _w2 = Copy(l2.Weight);
        _b2 = Copy(l2.Bias);
    }

    private static (Sequential, Sequential, MyLinear, MyLinear) Build()
    {
        Tensor.ManualSeed(3);
        var net = new Sequential(new MyLinear(64, 8), new MyLinear(8, 1));
        Tensor.ManualSeed(3);
        var e1 = new MyLinear(64, 8);
        var e2 = new MyLinear(8, 1);
        return (net, new Sequential(e1, e2), e1, e2);
    }

    public override string Title => "3 chapter net 64→8→1, batch 2";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Vector512<float> H, Vector512<float> W2, float Y0, float Y1) Forward()
    {
        var h = HandMyLinear64x8.Forward(ref X.Ref, ref _w1.Ref, ref _b1.Ref);
        var w2 = DupLow(Ld(ref _w2.Ref, 0));
        var p = h * w2;
        float b2 = _b2.Ref;
        float y0 = MathF.Max(Vector256.Sum(p.GetLower()) + b2, 0f);
        float y1 = MathF.Max(Vector256.Sum(p.GetUpper()) + b2, 0f);
        return (h, w2, y0, y1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandForward() => HandIsa.Avx512 ? HandForward512() : HandForward256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandStep() => HandIsa.Avx512 ? HandStep512() : HandStep256();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward512()
    {
        var (_, _, y0, y1) = Forward();
        ref float y = ref _y.Ref;
        y = y0;
        Unsafe.Add(ref y, 1) = y1;
        return y1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        var (h, w2, y0, y1) = Forward();
        ref float t = ref T.Ref;
        float d0 = y0 - t, d1 = y1 - Unsafe.Add(ref t, 1);
        float loss = (d0 * d0 + d1 * d1) / 2;
        // dL/dy = 2d/2 = d; through the second ReLU.
        float dz0 = y0 > 0f ? d0 : 0f, dz1 = y1 > 0f ? d1 : 0f;
        var dzv = Vector512.Create(Vector256.Create(dz0), Vector256.Create(dz1));
        var g2 = h * dzv;
        var dh = dzv * w2;
        var dz = Vector512.ConditionalSelect(Vector512.GreaterThan(h, Vector512<float>.Zero), dh, Vector512<float>.Zero);
        ref float w2r = ref _w2.Ref;
        Vector256.FusedMultiplyAdd(g2.GetLower() + g2.GetUpper(), Vector256.Create(-Lr), Vector256.LoadUnsafe(ref w2r)).StoreUnsafe(ref w2r);
        _b2.Ref -= Lr * (dz0 + dz1);
        HandMyLinear64x8.Update(ref X.Ref, ref _w1.Ref, ref _b1.Ref, dz, Lr);
        return loss;
    }

    public override float[] HandOutput() => Head(_y, 2);

    public override IReadOnlyList<ParamView> Parameters() =>
        ParamsWith(() => Head(_w1, 64 * 8), () => Head(_b1, 8), () => Head(_w2, 8), () => Head(_b2, 1));
}
