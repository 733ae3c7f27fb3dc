using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LayerGen.Kernels;

// The dot-product micro-kernel (A·Bᵀ). Unrolled like Gemm.Tile.cs: one local per accumulator, TR / TS
// guards folded at import.
public static unsafe partial class Gemm
{
    /// <summary>
    /// C[r, s] (+)= Σ_k A[r·lda + k]·B[s·ldb + k] for r &lt; TR, s &lt; TS (≤ 4): TR × TS vector dot products over k,
    /// a masked final step for k mod W (it re-reads the last whole vector and zeroes the lanes already summed),
    /// then each row's TS sums reduced together into one Vector128. Thin tiles keep 2 or 4 accumulator sets.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile<T, TOps, TR, TS>(float* a, nint lda, float* b, nint ldb, nint k, float* c, nint ldc, bool accumulate)
        where T : struct
        where TOps : struct, IOps<T>
        where TR : struct
        where TS : struct
    {
        nint w = Width<T>();
        T c00 = default, c01 = default, c02 = default, c03 = default;
        T c10 = default, c11 = default, c12 = default, c13 = default;
        T c20 = default, c21 = default, c22 = default, c23 = default;
        T c30 = default, c31 = default, c32 = default, c33 = default;
        T c40 = default, c41 = default, c42 = default, c43 = default;
        T c50 = default, c51 = default, c52 = default, c53 = default;
        T c00_1 = default, c01_1 = default, c02_1 = default, c03_1 = default;
        T c10_1 = default, c11_1 = default;
        T c20_1 = default;
        T c30_1 = default;
        T c00_2 = default, c01_2 = default;
        T c10_2 = default;
        T c00_3 = default, c01_3 = default;
        T c10_3 = default;
        float* b0p = b, b1p = b + ldb, b2p = b1p + ldb, b3p = b2p + ldb;
        float* a0p = a, a1p = a0p + lda, a2p = a1p + lda, a3p = a2p + lda, a4p = a3p + lda, a5p = a4p + lda;
        nint kk = 0;
        if (Unsafe.SizeOf<TR>() * Unsafe.SizeOf<TS>() <= 2)
        {
            for (; kk <= k - (4 * w); kk += 4 * w)
            {
                T b0_0 = Load<T>(b0p + kk);
                T b1_0 = Unsafe.SizeOf<TS>() > 1 ? Load<T>(b1p + kk) : default;
                T a0_0 = Load<T>(a0p + kk);
                c00 = TOps.Fma(a0_0, b0_0, c00);
                if (Unsafe.SizeOf<TS>() > 1) c01 = TOps.Fma(a0_0, b1_0, c01);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_0 = Load<T>(a1p + kk);
                    c10 = TOps.Fma(a1_0, b0_0, c10);
                }
                T b0_1 = Load<T>(b0p + kk + w);
                T b1_1 = Unsafe.SizeOf<TS>() > 1 ? Load<T>(b1p + kk + w) : default;
                T a0_1 = Load<T>(a0p + kk + w);
                c00_1 = TOps.Fma(a0_1, b0_1, c00_1);
                if (Unsafe.SizeOf<TS>() > 1) c01_1 = TOps.Fma(a0_1, b1_1, c01_1);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_1 = Load<T>(a1p + kk + w);
                    c10_1 = TOps.Fma(a1_1, b0_1, c10_1);
                }
                T b0_2 = Load<T>(b0p + kk + (2 * w));
                T b1_2 = Unsafe.SizeOf<TS>() > 1 ? Load<T>(b1p + kk + (2 * w)) : default;
                T a0_2 = Load<T>(a0p + kk + (2 * w));
                c00_2 = TOps.Fma(a0_2, b0_2, c00_2);
                if (Unsafe.SizeOf<TS>() > 1) c01_2 = TOps.Fma(a0_2, b1_2, c01_2);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_2 = Load<T>(a1p + kk + (2 * w));
                    c10_2 = TOps.Fma(a1_2, b0_2, c10_2);
                }
                T b0_3 = Load<T>(b0p + kk + (3 * w));
                T b1_3 = Unsafe.SizeOf<TS>() > 1 ? Load<T>(b1p + kk + (3 * w)) : default;
                T a0_3 = Load<T>(a0p + kk + (3 * w));
                c00_3 = TOps.Fma(a0_3, b0_3, c00_3);
                if (Unsafe.SizeOf<TS>() > 1) c01_3 = TOps.Fma(a0_3, b1_3, c01_3);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_3 = Load<T>(a1p + kk + (3 * w));
                    c10_3 = TOps.Fma(a1_3, b0_3, c10_3);
                }
            }
        }

        else if (Unsafe.SizeOf<TR>() * Unsafe.SizeOf<TS>() <= 4)
        {
            for (; kk <= k - (2 * w); kk += 2 * w)
            {
                T b0_0 = Load<T>(b0p + kk);
                T b1_0 = Unsafe.SizeOf<TS>() > 1 ? Load<T>(b1p + kk) : default;
                T b2_0 = Unsafe.SizeOf<TS>() > 2 ? Load<T>(b2p + kk) : default;
                T b3_0 = Unsafe.SizeOf<TS>() > 3 ? Load<T>(b3p + kk) : default;
                T a0_0 = Load<T>(a0p + kk);
                c00 = TOps.Fma(a0_0, b0_0, c00);
                if (Unsafe.SizeOf<TS>() > 1) c01 = TOps.Fma(a0_0, b1_0, c01);
                if (Unsafe.SizeOf<TS>() > 2) c02 = TOps.Fma(a0_0, b2_0, c02);
                if (Unsafe.SizeOf<TS>() > 3) c03 = TOps.Fma(a0_0, b3_0, c03);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_0 = Load<T>(a1p + kk);
                    c10 = TOps.Fma(a1_0, b0_0, c10);
                    if (Unsafe.SizeOf<TS>() > 1) c11 = TOps.Fma(a1_0, b1_0, c11);
                }
                if (Unsafe.SizeOf<TR>() > 2)
                {
                    T a2_0 = Load<T>(a2p + kk);
                    c20 = TOps.Fma(a2_0, b0_0, c20);
                }
                if (Unsafe.SizeOf<TR>() > 3)
                {
                    T a3_0 = Load<T>(a3p + kk);
                    c30 = TOps.Fma(a3_0, b0_0, c30);
                }
                T b0_1 = Load<T>(b0p + kk + w);
                T b1_1 = Unsafe.SizeOf<TS>() > 1 ? Load<T>(b1p + kk + w) : default;
                T b2_1 = Unsafe.SizeOf<TS>() > 2 ? Load<T>(b2p + kk + w) : default;
                T b3_1 = Unsafe.SizeOf<TS>() > 3 ? Load<T>(b3p + kk + w) : default;
                T a0_1 = Load<T>(a0p + kk + w);
                c00_1 = TOps.Fma(a0_1, b0_1, c00_1);
                if (Unsafe.SizeOf<TS>() > 1) c01_1 = TOps.Fma(a0_1, b1_1, c01_1);
                if (Unsafe.SizeOf<TS>() > 2) c02_1 = TOps.Fma(a0_1, b2_1, c02_1);
                if (Unsafe.SizeOf<TS>() > 3) c03_1 = TOps.Fma(a0_1, b3_1, c03_1);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_1 = Load<T>(a1p + kk + w);
                    c10_1 = TOps.Fma(a1_1, b0_1, c10_1);
                    if (Unsafe.SizeOf<TS>() > 1) c11_1 = TOps.Fma(a1_1, b1_1, c11_1);
                }
                if (Unsafe.SizeOf<TR>() > 2)
                {
                    T a2_1 = Load<T>(a2p + kk + w);
                    c20_1 = TOps.Fma(a2_1, b0_1, c20_1);
                }
                if (Unsafe.SizeOf<TR>() > 3)
                {
                    T a3_1 = Load<T>(a3p + kk + w);
                    c30_1 = TOps.Fma(a3_1, b0_1, c30_1);
                }
            }
        }

        for (; kk <= k - w; kk += w)
        {
            T b0_0 = Load<T>(b0p + kk);
            T b1_0 = Unsafe.SizeOf<TS>() > 1 ? Load<T>(b1p + kk) : default;
            T b2_0 = Unsafe.SizeOf<TS>() > 2 ? Load<T>(b2p + kk) : default;
            T b3_0 = Unsafe.SizeOf<TS>() > 3 ? Load<T>(b3p + kk) : default;
            T a0_0 = Load<T>(a0p + kk);
            c00 = TOps.Fma(a0_0, b0_0, c00);
            if (Unsafe.SizeOf<TS>() > 1) c01 = TOps.Fma(a0_0, b1_0, c01);
            if (Unsafe.SizeOf<TS>() > 2) c02 = TOps.Fma(a0_0, b2_0, c02);
            if (Unsafe.SizeOf<TS>() > 3) c03 = TOps.Fma(a0_0, b3_0, c03);
            if (Unsafe.SizeOf<TR>() > 1)
            {
                T a1_0 = Load<T>(a1p + kk);
                c10 = TOps.Fma(a1_0, b0_0, c10);
                if (Unsafe.SizeOf<TS>() > 1) c11 = TOps.Fma(a1_0, b1_0, c11);
                if (Unsafe.SizeOf<TS>() > 2) c12 = TOps.Fma(a1_0, b2_0, c12);
                if (Unsafe.SizeOf<TS>() > 3) c13 = TOps.Fma(a1_0, b3_0, c13);
            }
            if (Unsafe.SizeOf<TR>() > 2)
            {
                T a2_0 = Load<T>(a2p + kk);
                c20 = TOps.Fma(a2_0, b0_0, c20);
                if (Unsafe.SizeOf<TS>() > 1) c21 = TOps.Fma(a2_0, b1_0, c21);
                if (Unsafe.SizeOf<TS>() > 2) c22 = TOps.Fma(a2_0, b2_0, c22);
                if (Unsafe.SizeOf<TS>() > 3) c23 = TOps.Fma(a2_0, b3_0, c23);
            }
            if (Unsafe.SizeOf<TR>() > 3)
            {
                T a3_0 = Load<T>(a3p + kk);
                c30 = TOps.Fma(a3_0, b0_0, c30);
                if (Unsafe.SizeOf<TS>() > 1) c31 = TOps.Fma(a3_0, b1_0, c31);
                if (Unsafe.SizeOf<TS>() > 2) c32 = TOps.Fma(a3_0, b2_0, c32);
                if (Unsafe.SizeOf<TS>() > 3) c33 = TOps.Fma(a3_0, b3_0, c33);
            }
            if (Unsafe.SizeOf<TR>() > 4)
            {
                T a4_0 = Load<T>(a4p + kk);
                c40 = TOps.Fma(a4_0, b0_0, c40);
                if (Unsafe.SizeOf<TS>() > 1) c41 = TOps.Fma(a4_0, b1_0, c41);
                if (Unsafe.SizeOf<TS>() > 2) c42 = TOps.Fma(a4_0, b2_0, c42);
                if (Unsafe.SizeOf<TS>() > 3) c43 = TOps.Fma(a4_0, b3_0, c43);
            }
            if (Unsafe.SizeOf<TR>() > 5)
            {
                T a5_0 = Load<T>(a5p + kk);
                c50 = TOps.Fma(a5_0, b0_0, c50);
                if (Unsafe.SizeOf<TS>() > 1) c51 = TOps.Fma(a5_0, b1_0, c51);
                if (Unsafe.SizeOf<TS>() > 2) c52 = TOps.Fma(a5_0, b2_0, c52);
                if (Unsafe.SizeOf<TS>() > 3) c53 = TOps.Fma(a5_0, b3_0, c53);
            }
        }

        if (kk < k)
        {
            T m = TailMask<T>((int)(k - kk));
            kk = k - w;
            T b0_0 = TOps.And(Load<T>(b0p + kk), m);
            T b1_0 = Unsafe.SizeOf<TS>() > 1 ? TOps.And(Load<T>(b1p + kk), m) : default;
            T b2_0 = Unsafe.SizeOf<TS>() > 2 ? TOps.And(Load<T>(b2p + kk), m) : default;
            T b3_0 = Unsafe.SizeOf<TS>() > 3 ? TOps.And(Load<T>(b3p + kk), m) : default;
            T a0_0 = TOps.And(Load<T>(a0p + kk), m);
            c00 = TOps.Fma(a0_0, b0_0, c00);
            if (Unsafe.SizeOf<TS>() > 1) c01 = TOps.Fma(a0_0, b1_0, c01);
            if (Unsafe.SizeOf<TS>() > 2) c02 = TOps.Fma(a0_0, b2_0, c02);
            if (Unsafe.SizeOf<TS>() > 3) c03 = TOps.Fma(a0_0, b3_0, c03);
            if (Unsafe.SizeOf<TR>() > 1)
            {
                T a1_0 = TOps.And(Load<T>(a1p + kk), m);
                c10 = TOps.Fma(a1_0, b0_0, c10);
                if (Unsafe.SizeOf<TS>() > 1) c11 = TOps.Fma(a1_0, b1_0, c11);
                if (Unsafe.SizeOf<TS>() > 2) c12 = TOps.Fma(a1_0, b2_0, c12);
                if (Unsafe.SizeOf<TS>() > 3) c13 = TOps.Fma(a1_0, b3_0, c13);
            }
            if (Unsafe.SizeOf<TR>() > 2)
            {
                T a2_0 = TOps.And(Load<T>(a2p + kk), m);
                c20 = TOps.Fma(a2_0, b0_0, c20);
                if (Unsafe.SizeOf<TS>() > 1) c21 = TOps.Fma(a2_0, b1_0, c21);
                if (Unsafe.SizeOf<TS>() > 2) c22 = TOps.Fma(a2_0, b2_0, c22);
                if (Unsafe.SizeOf<TS>() > 3) c23 = TOps.Fma(a2_0, b3_0, c23);
            }
            if (Unsafe.SizeOf<TR>() > 3)
            {
                T a3_0 = TOps.And(Load<T>(a3p + kk), m);
                c30 = TOps.Fma(a3_0, b0_0, c30);
                if (Unsafe.SizeOf<TS>() > 1) c31 = TOps.Fma(a3_0, b1_0, c31);
                if (Unsafe.SizeOf<TS>() > 2) c32 = TOps.Fma(a3_0, b2_0, c32);
                if (Unsafe.SizeOf<TS>() > 3) c33 = TOps.Fma(a3_0, b3_0, c33);
            }
            if (Unsafe.SizeOf<TR>() > 4)
            {
                T a4_0 = TOps.And(Load<T>(a4p + kk), m);
                c40 = TOps.Fma(a4_0, b0_0, c40);
                if (Unsafe.SizeOf<TS>() > 1) c41 = TOps.Fma(a4_0, b1_0, c41);
                if (Unsafe.SizeOf<TS>() > 2) c42 = TOps.Fma(a4_0, b2_0, c42);
                if (Unsafe.SizeOf<TS>() > 3) c43 = TOps.Fma(a4_0, b3_0, c43);
            }
            if (Unsafe.SizeOf<TR>() > 5)
            {
                T a5_0 = TOps.And(Load<T>(a5p + kk), m);
                c50 = TOps.Fma(a5_0, b0_0, c50);
                if (Unsafe.SizeOf<TS>() > 1) c51 = TOps.Fma(a5_0, b1_0, c51);
                if (Unsafe.SizeOf<TS>() > 2) c52 = TOps.Fma(a5_0, b2_0, c52);
                if (Unsafe.SizeOf<TS>() > 3) c53 = TOps.Fma(a5_0, b3_0, c53);
            }
        }

        if (Unsafe.SizeOf<TR>() * Unsafe.SizeOf<TS>() <= 4)
        {
            c00 = TOps.Add(TOps.Add(c00, c00_1), TOps.Add(c00_2, c00_3));
            c01 = TOps.Add(TOps.Add(c01, c01_1), TOps.Add(c01_2, c01_3));
            c02 = TOps.Add(c02, c02_1);
            c03 = TOps.Add(c03, c03_1);
            c10 = TOps.Add(TOps.Add(c10, c10_1), TOps.Add(c10_2, c10_3));
            c11 = TOps.Add(c11, c11_1);
            c20 = TOps.Add(c20, c20_1);
            c30 = TOps.Add(c30, c30_1);
        }

        PutSums<TS>(c, TOps.Sum4(c00, c01, c02, c03), accumulate);
        if (Unsafe.SizeOf<TR>() > 1) PutSums<TS>(c + (1 * ldc), TOps.Sum4(c10, c11, c12, c13), accumulate);
        if (Unsafe.SizeOf<TR>() > 2) PutSums<TS>(c + (2 * ldc), TOps.Sum4(c20, c21, c22, c23), accumulate);
        if (Unsafe.SizeOf<TR>() > 3) PutSums<TS>(c + (3 * ldc), TOps.Sum4(c30, c31, c32, c33), accumulate);
        if (Unsafe.SizeOf<TR>() > 4) PutSums<TS>(c + (4 * ldc), TOps.Sum4(c40, c41, c42, c43), accumulate);
        if (Unsafe.SizeOf<TR>() > 5) PutSums<TS>(c + (5 * ldc), TOps.Sum4(c50, c51, c52, c53), accumulate);
    }
    /// <summary>c[s] (+)= sums[s] for s &lt; TS.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutSums<TS>(float* c, Vector128<float> sums, bool accumulate)
        where TS : struct
    {
        if (Unsafe.SizeOf<TS>() == 4)
        {
            (accumulate ? Vector128.Load(c) + sums : sums).Store(c);
            return;
        }

        *c = accumulate ? *c + sums.ToScalar() : sums.ToScalar();
        if (Unsafe.SizeOf<TS>() > 1)
        {
            c[1] = accumulate ? c[1] + sums.GetElement(1) : sums.GetElement(1);
        }

        if (Unsafe.SizeOf<TS>() > 2)
        {
            c[2] = accumulate ? c[2] + sums.GetElement(2) : sums.GetElement(2);
        }
    }
}
