using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LayerGen.Benchmarks.Infrastructure;
using static LayerGen.Benchmarks.Infrastructure.Simd256;

namespace LayerGen.Benchmarks.Cases;

/// <summary>
/// Case 7's AVX2 hand version: W[i, j, :] is one Vector256 V[i, j]. Per pair of rows (a, b) and group of 4
/// j's: A[r, j] = Σ_i x_ri·V[i, j] in 8 accumulators (each V loaded once for both rows), then
/// y_r += Σ_j x_rj·A[r, j]. Gradient: U[b, j] = x_bj·(−lr·dL/dy_b), then V[i, j] += Σ_b x_bi·U[b, j] with
/// the 8 U[b, j] of one j in registers — the same algorithm as the AVX-512 version at half the width.
/// </summary>
public sealed partial class Case7
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward256()
    {
        ref float x = ref X.Ref;
        ref float w = ref _w.Ref;
        ref float y = ref _y.Ref;
        for (nint b = 0; b < Batch; b += 2)
        {
            ref float xa = ref Unsafe.Add(ref x, b * N);
            ref float xb = ref Unsafe.Add(ref xa, N);
            Vector256<float> ya = default, yb = default;
            for (nint j = 0; j < N; j += 4)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
                ref float wj = ref Unsafe.Add(ref w, j * K);
                for (nint i = 0; i < N; i++)
                {
                    var va = Bc(ref xa, i);
                    var vb = Bc(ref xb, i);
                    ref float wi = ref Unsafe.Add(ref wj, i * N * K);
                    var w0 = Ld(ref wi, 0);
                    a0 = Fma(va, w0, a0);
                    c0 = Fma(vb, w0, c0);
                    var w1 = Ld(ref wi, K);
                    a1 = Fma(va, w1, a1);
                    c1 = Fma(vb, w1, c1);
                    var w2 = Ld(ref wi, 2 * K);
                    a2 = Fma(va, w2, a2);
                    c2 = Fma(vb, w2, c2);
                    var w3 = Ld(ref wi, 3 * K);
                    a3 = Fma(va, w3, a3);
                    c3 = Fma(vb, w3, c3);
                }

                ya = Fma(Bc(ref xa, j + 3), a3, Fma(Bc(ref xa, j + 2), a2, Fma(Bc(ref xa, j + 1), a1, Fma(Bc(ref xa, j), a0, ya))));
                yb = Fma(Bc(ref xb, j + 3), c3, Fma(Bc(ref xb, j + 2), c2, Fma(Bc(ref xb, j + 1), c1, Fma(Bc(ref xb, j), c0, yb))));
            }

            St(ref y, b * K, ya);
            St(ref y, (b + 1) * K, yb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandForward256()
    {
        Forward256();
        return _y[Batch * K - 1];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float HandStep256()
    {
        Forward256();
        ref float x = ref X.Ref;
        ref float y = ref _y.Ref;
        ref float t = ref T.Ref;
        ref float u = ref _u.Ref;
        Vector256<float> sq0 = default, sq1 = default;
        var c = Vector256.Create(-Lr * 2f / (Batch * K)); // −lr·dL/dy per (y − t)
        for (nint b = 0; b < Batch; b += 2)
        {
            var d0 = Ld(ref y, b * K) - Ld(ref t, b * K);
            var d1 = Ld(ref y, (b + 1) * K) - Ld(ref t, (b + 1) * K);
            sq0 = Fma(d0, d0, sq0);
            sq1 = Fma(d1, d1, sq1);
            var g0 = d0 * c;
            var g1 = d1 * c;
            ref float x0 = ref Unsafe.Add(ref x, b * N);
            ref float u0 = ref Unsafe.Add(ref u, b * N * K);
            for (nint j = 0; j < N; j++)
            {
                St(ref u0, j * K, Bc(ref x0, j) * g0);
                St(ref u0, (N + j) * K, Bc(ref x0, N + j) * g1);
            }
        }

        float loss = Vector256.Sum(sq0 + sq1) / (Batch * K);

        // V[i, j] += Σ_b x_bi·U[b, j] (U already carries −lr): for each j, the 8 U[b, j] stay in registers.
        ref float w = ref _w.Ref;
        for (nint j = 0; j < N; j++)
        {
            ref float uj = ref Unsafe.Add(ref u, j * K);
            var u0 = Ld(ref uj, 0);
            var u1 = Ld(ref uj, N * K);
            var u2 = Ld(ref uj, 2 * N * K);
            var u3 = Ld(ref uj, 3 * N * K);
            var u4 = Ld(ref uj, 4 * N * K);
            var u5 = Ld(ref uj, 5 * N * K);
            var u6 = Ld(ref uj, 6 * N * K);
            var u7 = Ld(ref uj, 7 * N * K);
            for (nint i = 0; i < N; i++)
            {
                var s = Fma(Bc(ref x, 3 * N + i), u3, Fma(Bc(ref x, 2 * N + i), u2, Fma(Bc(ref x, N + i), u1, Bc(ref x, i) * u0)));
                var r = Fma(Bc(ref x, 7 * N + i), u7, Fma(Bc(ref x, 6 * N + i), u6, Fma(Bc(ref x, 5 * N + i), u5, Bc(ref x, 4 * N + i) * u4)));
                nint at = (i * N + j) * K;
                St(ref w, at, Ld(ref w, at) + (s + r));
            }
        }

        return loss;
    }
}
