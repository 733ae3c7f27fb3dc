using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using LayerGen.Benchmarks.Layers;
using static LayerGen.Benchmarks.Infrastructure.Simd;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Case 8: the Fourier exercise, the first n/2 = 32 DFT coefficients of each row of x[8, 64] as
/// (re, im) pairs, MSE against a fixed target [8, 32, 2], backward to dL/dx (no parameters).
/// </summary>
/// <remarks>
/// Hand version: at n = 64 the transform is an [8, 64]·[64, 64] matmul with the real DFT matrix
/// M[t, 2k] = cos(2πkt/64), M[t, 2k+1] = −sin(2πkt/64) (float, from double), and its adjoint the matmul
/// with Mᵀ: two 4 × 64 register tiles each (<see cref="Gemm"/>), 2048 FMAs of 16 lanes per direction.
/// </remarks>
public sealed partial class Case8 : InputGradientCase
{
    private const int Rows8 = 8, Len = 64, Count = Rows8 * Len;
    private readonly Buf _m = new(Len * Len);
    private readonly Buf _mt = new(Len * Len);
    private readonly Buf _y = new(Count);
    private readonly Buf _dy = new(Count);
    private readonly Buf _dx = new(Count);

    public Case8(float lr = DefaultLr)
        : this(lr, new FourierHalf(64))
    {
    }

    private Case8(float lr, FourierHalf eager)
        : base(lr, [Rows8, Len], [Rows8, Len / 2, 2], new FourierHalf(64), eager.CallEager)
    {
        for (int t = 0; t < Len; t++)
        {
            for (int k = 0; k < Len / 2; k++)
            {
                double angle = 2 * Math.PI * (k * t % Len) / Len;
                _m[t * Len + 2 * k] = (float)Math.Cos(angle);
                _m[t * Len + 2 * k + 1] = (float)-Math.Sin(angle);
            }
        }

        for (int t = 0; t < Len; t++)
        {
            for (int j = 0; j < Len; j++)
            {
                _mt[j * Len + t] = _m[t * Len + j];
            }
        }
    }

    public override string Title => "8 Fourier half, x[8,64]";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transform(ref float input, ref float matrix, ref float output)
    {
        Gemm.Tile4x64<NoEpilogue>(ref input, Len, 1, ref matrix, Len, Len, ref output, Len, ref Unsafe.NullRef<float>(), false, false, 1f);
        Gemm.Tile4x64<NoEpilogue>(ref Unsafe.Add(ref input, 4 * Len), Len, 1, ref matrix, Len, Len, ref Unsafe.Add(ref output, 4 * Len), Len, ref Unsafe.NullRef<float>(), false, false, 1f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandForward() => HandIsa.Avx512 ? HandForward512() : HandForward256();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float HandStep() => HandIsa.Avx512 ? HandStep512() : HandStep256();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward512()
    {
        Transform(ref X.Ref, ref _m.Ref, ref _y.Ref);
        return _y[Count - 1];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep512()
    {
        ref float y = ref _y.Ref;
        ref float t = ref T.Ref;
        ref float dy = ref _dy.Ref;
        Transform(ref X.Ref, ref _m.Ref, ref y);
        Vector512<float> s0 = default, s1 = default;
        var c = Vector512.Create(2f / Count);
        for (nint i = 0; i < Count; i += 2 * W)
        {
            var d0 = Ld(ref y, i) - Ld(ref t, i);
            var d1 = Ld(ref y, i + W) - Ld(ref t, i + W);
            s0 = Fma(d0, d0, s0);
            s1 = Fma(d1, d1, s1);
            St(ref dy, i, d0 * c);
            St(ref dy, i + W, d1 * c);
        }

        Transform(ref dy, ref _mt.Ref, ref _dx.Ref);
        return Vector512.Sum(s0 + s1) / Count;
    }

    public override float[] HandOutput() => Head(_y, Count);

    protected override float[] HandInputGradient() => Head(_dx, Count);

    private static float[] Head(Buf buf, int count) => buf.Span[..count].ToArray();
}
