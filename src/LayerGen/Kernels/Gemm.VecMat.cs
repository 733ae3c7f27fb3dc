using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LayerGen.Kernels;

// The vector × matrix path (AVX-512 only): one row of A times B, n a multiple of 16, e.g. dX = dY·W for a
// batch of one. It reads all of B once and writes only n outputs, so the time is the loads of B, and a
// managed array's rows are rarely 64-byte aligned: most loads would straddle two cache lines. With n a
// multiple of 16 every row of B has the same offset s from the 64-byte grid, so the sums are kept on the
// grid instead: a block of up to 4 output vectors reads 5 grid-aligned vectors of each row (the outer two
// partly outside the block; their extra lanes are summed separately and dropped), and at the end each
// output vector is cut out of two neighbouring sums with one two-source permute.
public static unsafe partial class Gemm
{
    /// <summary>c (+)= a·B for one row a, k ≥ 5, n a multiple of 16: blocks of 4 output vectors, then the rest.</summary>
    private static void VecMat(int n, int k, float* a, float* b, float* c, bool accumulate)
    {
        const int W = 16;
        for (nint j = 0; j < n; j += 4 * W)
        {
            switch (((nint)n - j) / W)
            {
                case 1: VecMat<C1>(n, k, a, b, j, c + j, accumulate); break;
                case 2: VecMat<C2>(n, k, a, b, j, c + j, accumulate); break;
                case 3: VecMat<C3>(n, k, a, b, j, c + j, accumulate); break;
                default: VecMat<C4>(n, k, a, b, j, c + j, accumulate); break;
            }
        }
    }

    /// <summary>
    /// c[0 .. 16·TV) (+)= Σ_p a[p]·B[p, j + (0 .. 16·TV)], TV = Unsafe.SizeOf&lt;TV&gt;() ≤ 4: per row of B, TV + 1
    /// grid vectors into 4 sets of TV + 1 sums (so 4 FMA chains overlap). Rows 0 and k − 1 are read through
    /// lane masks, the only rows whose outer grid vectors reach before B or past its end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VecMat<TV>(int n, int k, float* a, float* b, nint j, float* c, bool accumulate)
        where TV : struct
    {
        const int W = 16;
        int tv = Unsafe.SizeOf<TV>();
        nint nn = n, kk = k;
        nint s = ((nint)b >> 2) & (W - 1);
        float* grid = b - s + j;
        float* end = b + (kk * nn);

        Vector512<float> x0, x1, x2 = default, x3 = default, x4 = default;
        Vector512<float> y0 = default, y1 = default, y2 = default, y3 = default, y4 = default;
        Vector512<float> z0 = default, z1 = default, z2 = default, z3 = default, z4 = default;
        Vector512<float> w0 = default, w1 = default, w2 = default, w3 = default, w4 = default;

        // Row 0 into x.
        Vector512<float> ap = Vector512.Create(a[0]);
        x0 = ap * InsideLoad(grid, b, end);
        x1 = ap * InsideLoad(grid + W, b, end);
        if (tv > 1) x2 = ap * InsideLoad(grid + (2 * W), b, end);
        if (tv > 2) x3 = ap * InsideLoad(grid + (3 * W), b, end);
        if (tv > 3) x4 = ap * InsideLoad(grid + (4 * W), b, end);

        nint p = 1;
        for (; p <= kk - 5; p += 4)
        {
            float* r = grid + (p * nn);
            ap = Vector512.Create(a[p]);
            x0 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r), x0);
            x1 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + W), x1);
            if (tv > 1) x2 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (2 * W)), x2);
            if (tv > 2) x3 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (3 * W)), x3);
            if (tv > 3) x4 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (4 * W)), x4);
            r += nn;
            ap = Vector512.Create(a[p + 1]);
            y0 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r), y0);
            y1 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + W), y1);
            if (tv > 1) y2 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (2 * W)), y2);
            if (tv > 2) y3 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (3 * W)), y3);
            if (tv > 3) y4 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (4 * W)), y4);
            r += nn;
            ap = Vector512.Create(a[p + 2]);
            z0 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r), z0);
            z1 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + W), z1);
            if (tv > 1) z2 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (2 * W)), z2);
            if (tv > 2) z3 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (3 * W)), z3);
            if (tv > 3) z4 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (4 * W)), z4);
            r += nn;
            ap = Vector512.Create(a[p + 3]);
            w0 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r), w0);
            w1 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + W), w1);
            if (tv > 1) w2 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (2 * W)), w2);
            if (tv > 2) w3 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (3 * W)), w3);
            if (tv > 3) w4 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (4 * W)), w4);
        }

        for (; p < kk - 1; p++)
        {
            float* r = grid + (p * nn);
            ap = Vector512.Create(a[p]);
            y0 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r), y0);
            y1 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + W), y1);
            if (tv > 1) y2 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (2 * W)), y2);
            if (tv > 2) y3 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (3 * W)), y3);
            if (tv > 3) y4 = Vector512.FusedMultiplyAdd(ap, Vector512.LoadAligned(r + (4 * W)), y4);
        }

        // Row k − 1 into z.
        float* last = grid + ((kk - 1) * nn);
        ap = Vector512.Create(a[kk - 1]);
        z0 = Vector512.FusedMultiplyAdd(ap, InsideLoad(last, b, end), z0);
        z1 = Vector512.FusedMultiplyAdd(ap, InsideLoad(last + W, b, end), z1);
        if (tv > 1) z2 = Vector512.FusedMultiplyAdd(ap, InsideLoad(last + (2 * W), b, end), z2);
        if (tv > 2) z3 = Vector512.FusedMultiplyAdd(ap, InsideLoad(last + (3 * W), b, end), z3);
        if (tv > 3) z4 = Vector512.FusedMultiplyAdd(ap, InsideLoad(last + (4 * W), b, end), z4);

        x0 = (x0 + y0) + (z0 + w0);
        x1 = (x1 + y1) + (z1 + w1);
        x2 = (x2 + y2) + (z2 + w2);
        x3 = (x3 + y3) + (z3 + w3);
        x4 = (x4 + y4) + (z4 + w4);

        // Output lane L of vector v is grid sum v's lane L + s, or sum v + 1's lane L + s − 16.
        Vector512<int> cut = Vector512<int>.Indices + Vector512.Create((int)s);
        Put<Vector512<float>, Ops512>(c, Avx512F.PermuteVar16x32x2(x0, cut, x1), accumulate);
        if (tv > 1) Put<Vector512<float>, Ops512>(c + W, Avx512F.PermuteVar16x32x2(x1, cut, x2), accumulate);
        if (tv > 2) Put<Vector512<float>, Ops512>(c + (2 * W), Avx512F.PermuteVar16x32x2(x2, cut, x3), accumulate);
        if (tv > 3) Put<Vector512<float>, Ops512>(c + (3 * W), Avx512F.PermuteVar16x32x2(x3, cut, x4), accumulate);
    }

    /// <summary>The aligned vector at <paramref name="p"/> with its lanes outside [start, end) read as zero (not read at all).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> InsideLoad(float* p, float* start, float* end)
    {
        const int W = 16;
        Vector512<int> lane = Vector512<int>.Indices;
        int from = (int)Math.Clamp(start - p, -W, W), to = (int)Math.Clamp(end - p, -W, 2 * W);
        Vector512<float> inside = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(from)) & Vector512.LessThan(lane, Vector512.Create(to))).AsSingle();
        return Avx512F.MaskLoadAligned(p, inside, Vector512<float>.Zero);
    }
}
