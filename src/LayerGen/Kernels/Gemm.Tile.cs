using System.Runtime.CompilerServices;

namespace LayerGen.Kernels;

// The broadcast micro-kernel (A·B and Aᵀ·B). Unrolled by hand (emitted by a script, kept as source): every
// accumulator is its own local so it lives in a register; the TR / TV guards fold while the IL is imported,
// so unused rows, columns and accumulator sets are never compiled.
public static unsafe partial class Gemm
{
    /// <summary>
    /// C[r, v·W + lane] (+)= Σ_k X(r, k)·Y[k, v·W + lane] for r &lt; TR, v &lt; TV: TR × TV vector accumulators; each
    /// step broadcasts TR elements of X and loads TV vectors of Y. X(r, k) = x[r·ldx + k] (<see cref="KContiguous"/>)
    /// or x[r + k·ldx] (<see cref="RowContiguous"/>); Y row k starts at y + k·ldy; C row r at c + r·ldc. When
    /// <paramref name="tailLanes"/> &gt; 0 the last vector stores only its last tailLanes lanes (it overlaps the previous one).
    /// Thin tiles (TR·TV ≤ 4) keep 2 or 4 accumulator sets for consecutive k, so their FMA chains overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<T, TOps, TX, TR, TV>(float* x, nint ldx, float* y, nint ldy, nint kc, float* c, nint ldc, bool accumulate, int tailLanes)
        where T : struct
        where TOps : struct, IOps<T>
        where TX : struct
        where TR : struct
        where TV : struct
    {
        nint w = Width<T>();
        nint rs = typeof(TX) == typeof(KContiguous) ? ldx : 1, ks = typeof(TX) == typeof(KContiguous) ? 1 : ldx;
        nint rs2 = 2 * rs, rs3 = 3 * rs, rs4 = 4 * rs, rs5 = 5 * rs;
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
        float* xp = x;
        float* yp = y;
        nint k = 0;
        if (Unsafe.SizeOf<TR>() * Unsafe.SizeOf<TV>() <= 2)
        {
            for (; k <= kc - 4; k += 4)
            {
                T b0_0 = Load<T>(yp);
                T b1_0 = Unsafe.SizeOf<TV>() > 1 ? Load<T>(yp + (1 * w)) : default;
                T a0_0 = TOps.Splat(*xp);
                c00 = TOps.Fma(a0_0, b0_0, c00);
                if (Unsafe.SizeOf<TV>() > 1) c01 = TOps.Fma(a0_0, b1_0, c01);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_0 = TOps.Splat(xp[rs]);
                    c10 = TOps.Fma(a1_0, b0_0, c10);
                }
                T b0_1 = Load<T>(yp + ldy);
                T b1_1 = Unsafe.SizeOf<TV>() > 1 ? Load<T>(yp + ldy + (1 * w)) : default;
                T a0_1 = TOps.Splat(*(xp + ks));
                c00_1 = TOps.Fma(a0_1, b0_1, c00_1);
                if (Unsafe.SizeOf<TV>() > 1) c01_1 = TOps.Fma(a0_1, b1_1, c01_1);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_1 = TOps.Splat((xp + ks)[rs]);
                    c10_1 = TOps.Fma(a1_1, b0_1, c10_1);
                }
                T b0_2 = Load<T>(yp + (2 * ldy));
                T b1_2 = Unsafe.SizeOf<TV>() > 1 ? Load<T>(yp + (2 * ldy) + (1 * w)) : default;
                T a0_2 = TOps.Splat(*(xp + (2 * ks)));
                c00_2 = TOps.Fma(a0_2, b0_2, c00_2);
                if (Unsafe.SizeOf<TV>() > 1) c01_2 = TOps.Fma(a0_2, b1_2, c01_2);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_2 = TOps.Splat((xp + (2 * ks))[rs]);
                    c10_2 = TOps.Fma(a1_2, b0_2, c10_2);
                }
                T b0_3 = Load<T>(yp + (3 * ldy));
                T b1_3 = Unsafe.SizeOf<TV>() > 1 ? Load<T>(yp + (3 * ldy) + (1 * w)) : default;
                T a0_3 = TOps.Splat(*(xp + (3 * ks)));
                c00_3 = TOps.Fma(a0_3, b0_3, c00_3);
                if (Unsafe.SizeOf<TV>() > 1) c01_3 = TOps.Fma(a0_3, b1_3, c01_3);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_3 = TOps.Splat((xp + (3 * ks))[rs]);
                    c10_3 = TOps.Fma(a1_3, b0_3, c10_3);
                }
                xp += 4 * ks;
                yp += 4 * ldy;
            }
        }

        else if (Unsafe.SizeOf<TR>() * Unsafe.SizeOf<TV>() <= 4)
        {
            for (; k <= kc - 2; k += 2)
            {
                T b0_0 = Load<T>(yp);
                T b1_0 = Unsafe.SizeOf<TV>() > 1 ? Load<T>(yp + (1 * w)) : default;
                T b2_0 = Unsafe.SizeOf<TV>() > 2 ? Load<T>(yp + (2 * w)) : default;
                T b3_0 = Unsafe.SizeOf<TV>() > 3 ? Load<T>(yp + (3 * w)) : default;
                T a0_0 = TOps.Splat(*xp);
                c00 = TOps.Fma(a0_0, b0_0, c00);
                if (Unsafe.SizeOf<TV>() > 1) c01 = TOps.Fma(a0_0, b1_0, c01);
                if (Unsafe.SizeOf<TV>() > 2) c02 = TOps.Fma(a0_0, b2_0, c02);
                if (Unsafe.SizeOf<TV>() > 3) c03 = TOps.Fma(a0_0, b3_0, c03);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_0 = TOps.Splat(xp[rs]);
                    c10 = TOps.Fma(a1_0, b0_0, c10);
                    if (Unsafe.SizeOf<TV>() > 1) c11 = TOps.Fma(a1_0, b1_0, c11);
                }
                if (Unsafe.SizeOf<TR>() > 2)
                {
                    T a2_0 = TOps.Splat(xp[rs2]);
                    c20 = TOps.Fma(a2_0, b0_0, c20);
                }
                if (Unsafe.SizeOf<TR>() > 3)
                {
                    T a3_0 = TOps.Splat(xp[rs3]);
                    c30 = TOps.Fma(a3_0, b0_0, c30);
                }
                T b0_1 = Load<T>(yp + ldy);
                T b1_1 = Unsafe.SizeOf<TV>() > 1 ? Load<T>(yp + ldy + (1 * w)) : default;
                T b2_1 = Unsafe.SizeOf<TV>() > 2 ? Load<T>(yp + ldy + (2 * w)) : default;
                T b3_1 = Unsafe.SizeOf<TV>() > 3 ? Load<T>(yp + ldy + (3 * w)) : default;
                T a0_1 = TOps.Splat(*(xp + ks));
                c00_1 = TOps.Fma(a0_1, b0_1, c00_1);
                if (Unsafe.SizeOf<TV>() > 1) c01_1 = TOps.Fma(a0_1, b1_1, c01_1);
                if (Unsafe.SizeOf<TV>() > 2) c02_1 = TOps.Fma(a0_1, b2_1, c02_1);
                if (Unsafe.SizeOf<TV>() > 3) c03_1 = TOps.Fma(a0_1, b3_1, c03_1);
                if (Unsafe.SizeOf<TR>() > 1)
                {
                    T a1_1 = TOps.Splat((xp + ks)[rs]);
                    c10_1 = TOps.Fma(a1_1, b0_1, c10_1);
                    if (Unsafe.SizeOf<TV>() > 1) c11_1 = TOps.Fma(a1_1, b1_1, c11_1);
                }
                if (Unsafe.SizeOf<TR>() > 2)
                {
                    T a2_1 = TOps.Splat((xp + ks)[rs2]);
                    c20_1 = TOps.Fma(a2_1, b0_1, c20_1);
                }
                if (Unsafe.SizeOf<TR>() > 3)
                {
                    T a3_1 = TOps.Splat((xp + ks)[rs3]);
                    c30_1 = TOps.Fma(a3_1, b0_1, c30_1);
                }
                xp += 2 * ks;
                yp += 2 * ldy;
            }
        }

        for (; k < kc; k++)
        {
            T b0_0 = Load<T>(yp);
            T b1_0 = Unsafe.SizeOf<TV>() > 1 ? Load<T>(yp + (1 * w)) : default;
            T b2_0 = Unsafe.SizeOf<TV>() > 2 ? Load<T>(yp + (2 * w)) : default;
            T b3_0 = Unsafe.SizeOf<TV>() > 3 ? Load<T>(yp + (3 * w)) : default;
            T a0_0 = TOps.Splat(*xp);
            c00 = TOps.Fma(a0_0, b0_0, c00);
            if (Unsafe.SizeOf<TV>() > 1) c01 = TOps.Fma(a0_0, b1_0, c01);
            if (Unsafe.SizeOf<TV>() > 2) c02 = TOps.Fma(a0_0, b2_0, c02);
            if (Unsafe.SizeOf<TV>() > 3) c03 = TOps.Fma(a0_0, b3_0, c03);
            if (Unsafe.SizeOf<TR>() > 1)
            {
                T a1_0 = TOps.Splat(xp[rs]);
                c10 = TOps.Fma(a1_0, b0_0, c10);
                if (Unsafe.SizeOf<TV>() > 1) c11 = TOps.Fma(a1_0, b1_0, c11);
                if (Unsafe.SizeOf<TV>() > 2) c12 = TOps.Fma(a1_0, b2_0, c12);
                if (Unsafe.SizeOf<TV>() > 3) c13 = TOps.Fma(a1_0, b3_0, c13);
            }
            if (Unsafe.SizeOf<TR>() > 2)
            {
                T a2_0 = TOps.Splat(xp[rs2]);
                c20 = TOps.Fma(a2_0, b0_0, c20);
                if (Unsafe.SizeOf<TV>() > 1) c21 = TOps.Fma(a2_0, b1_0, c21);
                if (Unsafe.SizeOf<TV>() > 2) c22 = TOps.Fma(a2_0, b2_0, c22);
                if (Unsafe.SizeOf<TV>() > 3) c23 = TOps.Fma(a2_0, b3_0, c23);
            }
            if (Unsafe.SizeOf<TR>() > 3)
            {
                T a3_0 = TOps.Splat(xp[rs3]);
                c30 = TOps.Fma(a3_0, b0_0, c30);
                if (Unsafe.SizeOf<TV>() > 1) c31 = TOps.Fma(a3_0, b1_0, c31);
                if (Unsafe.SizeOf<TV>() > 2) c32 = TOps.Fma(a3_0, b2_0, c32);
                if (Unsafe.SizeOf<TV>() > 3) c33 = TOps.Fma(a3_0, b3_0, c33);
            }
            if (Unsafe.SizeOf<TR>() > 4)
            {
                T a4_0 = TOps.Splat(xp[rs4]);
                c40 = TOps.Fma(a4_0, b0_0, c40);
                if (Unsafe.SizeOf<TV>() > 1) c41 = TOps.Fma(a4_0, b1_0, c41);
                if (Unsafe.SizeOf<TV>() > 2) c42 = TOps.Fma(a4_0, b2_0, c42);
                if (Unsafe.SizeOf<TV>() > 3) c43 = TOps.Fma(a4_0, b3_0, c43);
            }
            if (Unsafe.SizeOf<TR>() > 5)
            {
                T a5_0 = TOps.Splat(xp[rs5]);
                c50 = TOps.Fma(a5_0, b0_0, c50);
                if (Unsafe.SizeOf<TV>() > 1) c51 = TOps.Fma(a5_0, b1_0, c51);
                if (Unsafe.SizeOf<TV>() > 2) c52 = TOps.Fma(a5_0, b2_0, c52);
                if (Unsafe.SizeOf<TV>() > 3) c53 = TOps.Fma(a5_0, b3_0, c53);
            }
            xp += ks;
            yp += ldy;
        }

        if (Unsafe.SizeOf<TR>() * Unsafe.SizeOf<TV>() <= 4)
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

        PutRow<T, TOps, TV>(c, c00, c01, c02, c03, accumulate, tailLanes);
        if (Unsafe.SizeOf<TR>() > 1) PutRow<T, TOps, TV>(c + (1 * ldc), c10, c11, c12, c13, accumulate, tailLanes);
        if (Unsafe.SizeOf<TR>() > 2) PutRow<T, TOps, TV>(c + (2 * ldc), c20, c21, c22, c23, accumulate, tailLanes);
        if (Unsafe.SizeOf<TR>() > 3) PutRow<T, TOps, TV>(c + (3 * ldc), c30, c31, c32, c33, accumulate, tailLanes);
        if (Unsafe.SizeOf<TR>() > 4) PutRow<T, TOps, TV>(c + (4 * ldc), c40, c41, c42, c43, accumulate, tailLanes);
        if (Unsafe.SizeOf<TR>() > 5) PutRow<T, TOps, TV>(c + (5 * ldc), c50, c51, c52, c53, accumulate, tailLanes);
    }
    /// <summary>Stores one tile row of TV vectors; the last one only in its last <paramref name="tailLanes"/> lanes when that is &gt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutRow<T, TOps, TV>(float* c, T v0, T v1, T v2, T v3, bool accumulate, int tailLanes)
        where T : struct
        where TOps : struct, IOps<T>
        where TV : struct
    {
        nint w = Width<T>();
        switch (Unsafe.SizeOf<TV>())
        {
            case 1:
                PutLast<T, TOps>(c, v0, accumulate, tailLanes);
                break;
            case 2:
                Put<T, TOps>(c, v0, accumulate);
                PutLast<T, TOps>(c + w, v1, accumulate, tailLanes);
                break;
            case 3:
                Put<T, TOps>(c, v0, accumulate);
                Put<T, TOps>(c + w, v1, accumulate);
                PutLast<T, TOps>(c + (2 * w), v2, accumulate, tailLanes);
                break;
            default:
                Put<T, TOps>(c, v0, accumulate);
                Put<T, TOps>(c + w, v1, accumulate);
                Put<T, TOps>(c + (2 * w), v2, accumulate);
                PutLast<T, TOps>(c + (3 * w), v3, accumulate, tailLanes);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<T, TOps>(float* c, T value, bool accumulate)
        where T : struct
        where TOps : struct, IOps<T> => Store(c, accumulate ? TOps.Add(Load<T>(c), value) : value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutLast<T, TOps>(float* c, T value, bool accumulate, int tailLanes)
        where T : struct
        where TOps : struct, IOps<T>
    {
        if (tailLanes > 0)
        {
            // The other lanes belong to the previous tile (this vector overlaps it): keep them.
            T old = Load<T>(c);
            Store(c, TOps.Select(TailMask<T>(tailLanes), accumulate ? TOps.Add(old, value) : value, old));
        }
        else
        {
            Put<T, TOps>(c, value, accumulate);
        }
    }
}
