using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using LayerGen.Benchmarks.Layers;
using static LayerGen.Benchmarks.Infrastructure.Simd;

namespace LayerGen.Benchmarks.Cases;

// Cases 1a and 1b: CenteredLayer (y = x − mean(x)), no parameters; see InputGradientCase for the step.

/// <summary>Case 1a: CenteredLayer on x[2, 5].</summary>
public sealed partial class Case1a : InputGradientCase
{
    private const int Count = 10;
    private static Vector512<float> Mask
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0).AsSingle(); // lanes < 10
    }

    private readonly Buf _y = new(Count);
    private readonly Buf _dx = new(Count);

    public Case1a(float lr = DefaultLr)
        : this(lr, new CenteredLayer())
    {
    }

    private Case1a(float lr, CenteredLayer eager)
        : base(lr, [2, 5], [2, 5], new CenteredLayer(), eager.CallEager)
    {
    }

    public override string Title => "1a CenteredLayer x[2,5]";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandForward() => HandIsa.Avx512 ? HandForward512() : HandForward256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandStep() => HandIsa.Avx512 ? HandStep512() : HandStep256();

    // x fits one vector (the Buf's padding lanes are zero).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward512()
    {
        var x = Ld(ref X.Ref, 0);
        float mean = Vector512.Sum(x) / Count;
        var y = x - Vector512.Create(mean);
        St(ref _y.Ref, 0, y);
        return y.GetElement(Count - 1);
    }

    // d = x − mean(x) − t; loss = Σd²/N; dL/dy = 2d/N; dL/dx = dL/dy − mean(dL/dy) = (2/N)(d − mean d).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        var x = Ld(ref X.Ref, 0);
        float mean = Vector512.Sum(x) / Count;
        var d = (x - Vector512.Create(mean) - Ld(ref T.Ref, 0)) & Mask;
        float loss = Vector512.Sum(d * d) / Count;
        float meanD = Vector512.Sum(d) / Count;
        St(ref _dx.Ref, 0, (d - Vector512.Create(meanD)) * Vector512.Create(2f / Count));
        return loss;
    }

    public override float[] HandOutput() => _y.ToArray();

    protected override float[] HandInputGradient() => _dx.ToArray();
}

/// <summary>Case 1b: CenteredLayer on x[64, 128].</summary>
public sealed partial class Case1b : InputGradientCase
{
    private const int Count = 64 * 128;
    private readonly Buf _y = new(Count);
    private readonly Buf _dx = new(Count);

    public Case1b(float lr = DefaultLr)
        : this(lr, new CenteredLayer())
    {
    }

    private Case1b(float lr, CenteredLayer eager)
        : base(lr, [64, 128], [64, 128], new CenteredLayer(), eager.CallEager)
    {
    }

    public override string Title => "1b CenteredLayer x[64,128]";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandForward() => HandIsa.Avx512 ? HandForward512() : HandForward256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandStep() => HandIsa.Avx512 ? HandStep512() : HandStep256();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward512()
    {
        ref float x = ref X.Ref;
        ref float y = ref _y.Ref;
        float mean = Sum(ref x) / Count;
        var m = Vector512.Create(mean);
        for (nint i = 0; i < Count; i += 4 * W)
        {
            St(ref y, i, Ld(ref x, i) - m);
            St(ref y, i + W, Ld(ref x, i + W) - m);
            St(ref y, i + 2 * W, Ld(ref x, i + 2 * W) - m);
            St(ref y, i + 3 * W, Ld(ref x, i + 3 * W) - m);
        }

        return _y[Count - 1];
    }

    // Three passes: mean(x); d = x − m − t with Σd and Σd²; dL/dx = (2/N)(x − t) − (2/N)(m + mean d).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        ref float x = ref X.Ref;
        ref float t = ref T.Ref;
        ref float dx = ref _dx.Ref;
        var m = Vector512.Create(Sum(ref x) / Count);
        Vector512<float> s0 = default, s1 = default, q0 = default, q1 = default;
        for (nint i = 0; i < Count; i += 2 * W)
        {
            var d0 = Ld(ref x, i) - m - Ld(ref t, i);
            var d1 = Ld(ref x, i + W) - m - Ld(ref t, i + W);
            s0 += d0;
            s1 += d1;
            q0 = Fma(d0, d0, q0);
            q1 = Fma(d1, d1, q1);
        }

        float loss = Vector512.Sum(q0 + q1) / Count;
        float meanD = Vector512.Sum(s0 + s1) / Count;
        const float c = 2f / Count;
        var vc = Vector512.Create(c);
        var k = Vector512.Create(-c * (m.ToScalar() + meanD));
        for (nint i = 0; i < Count; i += 2 * W)
        {
            St(ref dx, i, Fma(Ld(ref x, i) - Ld(ref t, i), vc, k));
            St(ref dx, i + W, Fma(Ld(ref x, i + W) - Ld(ref t, i + W), vc, k));
        }

        return loss;
    }

    private static float Sum(ref float x)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (nint i = 0; i < Count; i += 4 * W)
        {
            s0 += Ld(ref x, i);
            s1 += Ld(ref x, i + W);
            s2 += Ld(ref x, i + 2 * W);
            s3 += Ld(ref x, i + 3 * W);
        }

        return Vector512.Sum((s0 + s1) + (s2 + s3));
    }

    public override float[] HandOutput() => _y.ToArray();

    protected override float[] HandInputGradient() => _dx.ToArray();
}
