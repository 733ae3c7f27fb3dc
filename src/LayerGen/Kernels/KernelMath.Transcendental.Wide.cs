using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

// The Vector512 forms of exp, tanh, sigmoid and erf (KernelMath.Transcendental.cs): the same constants and the
// same operations in the same order, on 16 lanes, for the generated kernels' wide pass. Each operation is
// correctly rounded, so a lane gets bit for bit what the Vector<float> and scalar forms give (tested).
public static partial class KernelMath
{
    /// <inheritdoc cref="Exp(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(ExpHighest)), Vector512.Create(ExpHighest), x);
        x = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(ExpLowest)), Vector512.Create(ExpLowest), x);

        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var p = ExpOfRemainder(x, n);
        var k = Vector512.ConvertToInt32Native(n);
        var k1 = Vector512.ShiftRightArithmetic(k, 1);
        return p * PowerOfTwo(k1) * PowerOfTwo(k - k1);
    }

    /// <inheritdoc cref="Tanh(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var a = Vector512.Abs(x);
        var z = a * a;
        var q = Vector512.FusedMultiplyAdd(Vector512.Create(TanhQ4), z, Vector512.Create(TanhQ3));
        q = Vector512.FusedMultiplyAdd(q, z, Vector512.Create(TanhQ2));
        q = Vector512.FusedMultiplyAdd(q, z, Vector512.Create(TanhQ1));
        q = Vector512.FusedMultiplyAdd(q, z, Vector512.Create(TanhQ0));
        var small = Vector512.FusedMultiplyAdd(a * z, q, a);

        var u = Vector512.MinNative(a + a, Vector512.Create(TanhExpArgumentLimit));
        var n = Vector512.Round(u * Vector512.Create(Log2E));
        var e = ExpOfRemainder(u, n) * PowerOfTwo(Vector512.ConvertToInt32Native(n));
        var large = Vector512<float>.One - Vector512.Create(2f) / (e + Vector512<float>.One);

        var t = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a, Vector512.Create(TanhSmall)), large, small);
        return Vector512.CopySign(t, x);
    }

    /// <inheritdoc cref="Sigmoid(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    /// <inheritdoc cref="Erf(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Erf(Vector512<float> x)
    {
        var a = Vector512.Abs(x);
        var s = a * a;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(ErfP5), s, Vector512.Create(ErfP4));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(ErfP3));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(ErfP2));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(ErfP1));
        p = Vector512.FusedMultiplyAdd(p, s, Vector512.Create(ErfP0));
        var small = Vector512.FusedMultiplyAdd(x, p, x);

        var u = Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512.Create(ErfSaturate)), Vector512.Create(ErfSaturate), a);
        var r = Vector512.FusedMultiplyAdd(Vector512.Create(ErfR6), u, Vector512.Create(ErfR5));
        r = Vector512.FusedMultiplyAdd(r, u, Vector512.Create(ErfR4));
        r = Vector512.FusedMultiplyAdd(r, u, Vector512.Create(ErfR3));
        r = Vector512.FusedMultiplyAdd(r, u, Vector512.Create(ErfR2));
        r = Vector512.FusedMultiplyAdd(r, u, Vector512.Create(ErfR1));
        r = Vector512.FusedMultiplyAdd(r, u, Vector512.Create(ErfR0));

        var q = Vector512.FusedMultiplyAdd(-u, u, r);
        var n = Vector512.Round(q * Vector512.Create(Log2E));
        var large = Vector512<float>.One - (ExpOfRemainder(q, n) * PowerOfTwo(Vector512.ConvertToInt32Native(n)));
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(ErfSmall)), small, Vector512.CopySign(large, x));
    }

    /// <inheritdoc cref="Gelu(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Gelu(Vector512<float> x) =>
        x * Vector512.Create(0.5f) * (Vector512<float>.One + Erf(x * Vector512.Create(SqrtHalf)));

    /// <inheritdoc cref="ExpOfRemainder(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpOfRemainder(Vector512<float> x, Vector512<float> n)
    {
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(ExpP5), r, Vector512.Create(ExpP4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(ExpP3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(ExpP2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(ExpP1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(ExpP0));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        return Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
    }

    /// <inheritdoc cref="PowerOfTwo(int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PowerOfTwo(Vector512<int> k) =>
        Vector512.ShiftLeft(k + Vector512.Create(ExponentBias), MantissaBits).AsSingle();
}
