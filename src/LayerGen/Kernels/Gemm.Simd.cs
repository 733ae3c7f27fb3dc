using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// The width-generic pieces of the GEMM kernels. A kernel is instantiated for one vector type T
// (Vector512<float>, Vector256<float>, Vector128<float>, or float: one lane, the scalar fallback) with its
// operations TOps, and for its tile shape through size-carrying structs (C1..C6: Unsafe.SizeOf is a JIT
// intrinsic, so `Unsafe.SizeOf<TR>() > 2` is folded while the IL is imported and the dead rows are never
// even compiled). Each operation is a tiny method, so the kernels stay well inside the JIT's inlining
// budget: a kernel that exceeds it gets calls in its epilogue, and calls make the register allocator spill
// accumulators inside the hot loop.
public static unsafe partial class Gemm
{
    [StructLayout(LayoutKind.Sequential, Size = 1)]
    private struct C1 { }

    [StructLayout(LayoutKind.Sequential, Size = 2)]
    private struct C2 { }

    [StructLayout(LayoutKind.Sequential, Size = 3)]
    private struct C3 { }

    [StructLayout(LayoutKind.Sequential, Size = 4)]
    private struct C4 { }

    [StructLayout(LayoutKind.Sequential, Size = 5)]
    private struct C5 { }

    [StructLayout(LayoutKind.Sequential, Size = 6)]
    private struct C6 { }

    /// <summary>Kernel flag: C = product (the small-shape kernels take the accumulate flag as a type, so the
    /// choice is made once per call, not per store).</summary>
    private struct Overwrite { }

    /// <summary>Kernel flag: C += product.</summary>
    private struct AddTo { }

    /// <summary>X(r, k) = x[r·ld + k]: A of A·B (and B of the Aᵀ·Bᵀ = (B·A)ᵀ route).</summary>
    private struct KContiguous { }

    /// <summary>X(r, k) = x[r + k·ld]: A stored K×M, of Aᵀ·B.</summary>
    private struct RowContiguous { }

    /// <summary>0 in the first 16 entries, all bits set in the last 16: a window of it is a tail mask.</summary>
    private static ReadOnlySpan<int> MaskTable =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    ];

    /// <summary>The operations of one vector type.</summary>
    private interface IOps<T>
        where T : struct
    {
        static abstract T Splat(float value);

        /// <summary>a·b + c, fused where the hardware has FMA.</summary>
        static abstract T Fma(T a, T b, T c);

        static abstract T Add(T a, T b);

        /// <summary>Bitwise a AND mask.</summary>
        static abstract T And(T a, T mask);

        /// <summary>Lanes of <paramref name="yes"/> where <paramref name="mask"/> is set, else of <paramref name="no"/>.</summary>
        static abstract T Select(T mask, T yes, T no);

        /// <summary>[Σa, Σb, Σc, Σd].</summary>
        static abstract Vector128<float> Sum4(T a, T b, T c, T d);
    }

    private static bool HasFma => System.Runtime.Intrinsics.X86.Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>Lanes of T.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Width<T>()
        where T : struct => Unsafe.SizeOf<T>() / sizeof(float);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Load<T>(float* p)
        where T : struct => Unsafe.ReadUnaligned<T>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(float* p, T value)
        where T : struct => Unsafe.WriteUnaligned(p, value);

    /// <summary>A mask with the last <paramref name="valid"/> lanes set (0 &lt; valid ≤ W).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T TailMask<T>(int valid)
        where T : struct =>
        Unsafe.ReadUnaligned<T>(ref Unsafe.As<int, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(MaskTable), 16 - Width<T>() + valid)));

    private struct Ops512 : IOps<Vector512<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Splat(float value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> And(Vector512<float> a, Vector512<float> mask) => a & mask;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Select(Vector512<float> mask, Vector512<float> yes, Vector512<float> no) => Vector512.ConditionalSelect(mask, yes, no);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
        {
            if (Avx512F.IsSupported)
            {
                // Per 128-bit lane: [a0+a2, b0+b2, a1+a3, b1+b3], then [a, b, c, d] partial sums; then fold the lanes.
                var ab = Avx512F.UnpackLow(a, b) + Avx512F.UnpackHigh(a, b);
                var cd = Avx512F.UnpackLow(c, d) + Avx512F.UnpackHigh(c, d);
                var all = Avx512F.UnpackLow(ab.AsDouble(), cd.AsDouble()).AsSingle() + Avx512F.UnpackHigh(ab.AsDouble(), cd.AsDouble()).AsSingle();
                var half = all.GetLower() + all.GetUpper();
                return half.GetLower() + half.GetUpper();
            }

            return Ops256.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
        }
    }

    private struct Ops256 : IOps<Vector256<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Splat(float value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
            HasFma ? Vector256.FusedMultiplyAdd(a, b, c) : (a * b) + c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> And(Vector256<float> a, Vector256<float> mask) => a & mask;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Select(Vector256<float> mask, Vector256<float> yes, Vector256<float> no) => Vector256.ConditionalSelect(mask, yes, no);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
        {
            if (Avx.IsSupported)
            {
                var ab = Avx.UnpackLow(a, b) + Avx.UnpackHigh(a, b);
                var cd = Avx.UnpackLow(c, d) + Avx.UnpackHigh(c, d);
                var all = Avx.UnpackLow(ab.AsDouble(), cd.AsDouble()).AsSingle() + Avx.UnpackHigh(ab.AsDouble(), cd.AsDouble()).AsSingle();
                return all.GetLower() + all.GetUpper();
            }

            return Ops128.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
        }
    }

    private struct Ops128 : IOps<Vector128<float>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Splat(float value) => Vector128.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
            HasFma ? Vector128.FusedMultiplyAdd(a, b, c) : (a * b) + c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> And(Vector128<float> a, Vector128<float> mask) => a & mask;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Select(Vector128<float> mask, Vector128<float> yes, Vector128<float> no) => Vector128.ConditionalSelect(mask, yes, no);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
        {
            if (Sse2.IsSupported)
            {
                var ab = Sse.UnpackLow(a, b) + Sse.UnpackHigh(a, b);
                var cd = Sse.UnpackLow(c, d) + Sse.UnpackHigh(c, d);
                return Sse2.UnpackLow(ab.AsDouble(), cd.AsDouble()).AsSingle() + Sse2.UnpackHigh(ab.AsDouble(), cd.AsDouble()).AsSingle();
            }

            if (AdvSimd.Arm64.IsSupported)
            {
                var ab = AdvSimd.Arm64.ZipLow(a, b) + AdvSimd.Arm64.ZipHigh(a, b);
                var cd = AdvSimd.Arm64.ZipLow(c, d) + AdvSimd.Arm64.ZipHigh(c, d);
                return AdvSimd.Arm64.ZipLow(ab.AsDouble(), cd.AsDouble()).AsSingle() + AdvSimd.Arm64.ZipHigh(ab.AsDouble(), cd.AsDouble()).AsSingle();
            }

            return Vector128.Create(Vector128.Sum(a), Vector128.Sum(b), Vector128.Sum(c), Vector128.Sum(d));
        }
    }

    /// <summary>One lane: the scalar fallback (and sizes below the narrowest vector).</summary>
    private struct Ops1 : IOps<float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Splat(float value) => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Fma(float a, float b, float c) => HasFma ? MathF.FusedMultiplyAdd(a, b, c) : (a * b) + c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Add(float a, float b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float And(float a, float mask) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) & BitConverter.SingleToInt32Bits(mask));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Select(float mask, float yes, float no) => BitConverter.SingleToInt32Bits(mask) != 0 ? yes : no;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sum4(float a, float b, float c, float d) => Vector128.Create(a, b, c, d);
    }
}
