using System;
using System.Linq;
using System.Runtime.InteropServices;
using LayerGen.Kernels;
using Xunit;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// The small-shape paths of <see cref="Gemm.MatMul"/> that place their accesses on the 64-byte grid (A·B and
/// Aᵀ·B with k ≤ 4 and n a multiple of 16; Aᵀ·B with n = 8 and k ≤ 4; one row of A times B with n a
/// multiple of 16; one row of A times Bᵀ with k a multiple of 16), at and around their limits and at
/// every float offset of C and B from the grid, since each offset is a different head, straddle and tail.
/// Without AVX-512 (DOTNET_EnableAVX512=0) the same cases check the tiled kernels.
/// </summary>
public sealed partial class GemmTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Short_contraction_times_B_matches_at_every_offset(bool transposeA, bool accumulate)
    {
        int seed = 3000;
        foreach (int m in new[] { 1, 2, 3, 5, 16, 17 })
        {
            foreach (int n in new[] { 9, 12, 15, 16, 17, 32, 48, 64, 70 })
            {
                foreach (int k in new[] { 1, 2, 3, 4, 5 })
                {
                    foreach (int offset in new[] { 0, 1, 2, 7, 8, 13, 15 })
                    {
                        CheckAtOffset(new Case(m, n, k, transposeA, TransposeB: false, accumulate, seed++), offset);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Eight_columns_match_at_every_offset(bool transposeA, bool accumulate)
    {
        int seed = 4000;
        foreach (int m in new[] { 1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 64, 128, 130 })
        {
            foreach (int n in new[] { 7, 8, 9 })
            {
                foreach (int k in new[] { 1, 2, 3, 4, 5 })
                {
                    for (int offset = 0; offset < 16; offset++)
                    {
                        CheckAtOffset(new Case(m, n, k, transposeA, TransposeB: false, accumulate, seed++), offset);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void One_row_times_B_matches_at_every_offset(bool transposeA, bool accumulate)
    {
        int seed = 5000;
        foreach (int m in new[] { 1, 2 })
        {
            foreach (int n in new[] { 15, 16, 17, 32, 48, 64, 80, 112, 128, 144 })
            {
                foreach (int k in new[] { 4, 5, 6, 7, 8, 9, 10, 13, 64, 65 })
                {
                    foreach (int offset in new[] { 0, 1, 2, 9, 14, 15 })
                    {
                        CheckAtOffset(new Case(m, n, k, transposeA, TransposeB: false, accumulate, seed++), offset);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void One_row_times_B_transposed_matches_at_every_offset(bool accumulate)
    {
        int seed = 6000;
        foreach (int m in new[] { 1, 2 })
        {
            foreach (int n in new[] { 15, 16, 17, 33, 64 })
            {
                foreach (int k in new[] { 15, 16, 17, 32, 48, 64, 80 })
                {
                    for (int offset = 0; offset < 16; offset++)
                    {
                        CheckAtOffset(new Case(m, n, k, TransposeA: false, TransposeB: true, accumulate, seed++), offset);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(64, 64, 1, true, false)]
    [InlineData(128, 8, 4, true, false)]
    [InlineData(1, 64, 64, false, false)]
    [InlineData(1, 64, 64, false, true)]
    [InlineData(1, 784, 256, false, false)] // several blocks of 4 vectors and one of 1, B larger than L1
    [InlineData(1, 784, 256, false, true)]
    [InlineData(3, 784, 2, false, false)]
    public void Grid_paths_on_network_shapes_match(int m, int n, int k, bool transposeA, bool transposeB)
    {
        foreach (int offset in new[] { 0, 3, 8, 14 })
        {
            CheckAtOffset(new Case(m, n, k, transposeA, transposeB, Accumulate: false, Seed: m + n + k + offset), offset);
            CheckAtOffset(new Case(m, n, k, transposeA, transposeB, Accumulate: true, Seed: m * n * k + offset), offset);
        }
    }

    [Theory]
    [InlineData(5, 32, 2, true, false)] // short contraction: straddling vectors
    [InlineData(5, 32, 2, false, false)]
    [InlineData(17, 8, 3, true, false)] // eight columns: vectors over three rows
    [InlineData(1, 48, 9, false, false)] // one row times B: grid sums with neighbouring rows' lanes
    [InlineData(1, 48, 32, false, true)] // one row times Bᵀ: grid vectors with neighbouring rows' lanes
    public void Infinity_stays_in_its_outputs_at_every_offset(int m, int n, int k, bool transposeA, bool transposeB)
    {
        // An infinity in one element of B reaches exactly one column of C (B not transposed) or one output
        // (B transposed); lanes that hold a neighbouring row's elements must not turn it into NaN elsewhere.
        var random = new Random(m * 1000 + n * 10 + k);
        foreach (bool accumulate in new[] { false, true })
        {
            for (int offset = 0; offset < 16; offset++)
            {
                int at = random.Next(k * n);
                int column = transposeB ? at / k : at % n;
                var buffers = new OffsetBuffers(m * k, k * n, m * n, offset);
                buffers.A.Fill(0.5f);
                buffers.B.Fill(2f);
                buffers.B[at] = float.PositiveInfinity;
                buffers.C.Fill(accumulate ? 1f : float.NaN);

                Gemm.MatMul(m, n, k, buffers.A, transposeA, buffers.B, transposeB, buffers.C, accumulate);

                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        float expected = j == column ? float.PositiveInfinity : k + (accumulate ? 1f : 0f);
                        Assert.True(expected == buffers.C[i * n + j], $"{m}×{n}×{k} offset {offset}: C[{i}, {j}] = {buffers.C[i * n + j]}, expected {expected}.");
                    }
                }

                buffers.AssertPaddingUntouched(offset);
            }
        }
    }

    [Theory]
    [InlineData(5, 32, 2, true, false)] // short contraction
    [InlineData(17, 8, 3, true, false)] // eight columns
    [InlineData(1, 48, 9, false, false)] // one row times B
    [InlineData(1, 48, 64, false, true)] // one row times Bᵀ
    public void Spans_off_the_float_boundary_give_the_same_result(int m, int n, int k, bool transposeA, bool transposeB)
    {
        // Float spans cast from bytes at an odd offset: the 64-byte grid falls inside elements, so the grid
        // paths must step aside (an aligned load or store there would fault).
        var random = new Random(m + n + k);
        float[] a = RandomValues(m * k, random), b = RandomValues(k * n, random), c0 = RandomValues(m * n, random);
        foreach (bool accumulate in new[] { false, true })
        {
            float[] expected = (float[])c0.Clone();
            Gemm.MatMul(m, n, k, a, transposeA, b, transposeB, expected, accumulate);
            var bytes = new byte[4 * (a.Length + b.Length + c0.Length) + 64];
            Span<float> sa = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(1, 4 * a.Length));
            Span<float> sb = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(4 * a.Length + 18, 4 * b.Length));
            Span<float> sc = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(4 * (a.Length + b.Length) + 35, 4 * c0.Length));
            a.CopyTo(sa);
            b.CopyTo(sb);
            c0.CopyTo(sc);

            Gemm.MatMul(m, n, k, sa, transposeA, sb, transposeB, sc, accumulate);

            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], sc[i], 1e-4f);
            }
        }
    }

    /// <summary>
    /// <see cref="Check"/> with A, B and C placed at chosen float offsets from a 64-byte boundary (C at
    /// <paramref name="offset"/>, A and B at other offsets derived from it), and NaN on both sides of each.
    /// </summary>
    private static void CheckAtOffset(Case t, int offset)
    {
        var (a, b, c0) = Operands(t);
        var buffers = new OffsetBuffers(a.Length, b.Length, c0.Length, offset);
        a.CopyTo(buffers.A);
        b.CopyTo(buffers.B);
        c0.CopyTo(buffers.C);

        Gemm.MatMul(t.M, t.N, t.K, buffers.A, t.TransposeA, buffers.B, t.TransposeB, buffers.C, t.Accumulate);

        AssertMatchesDoubleProduct(t, a, b, c0, buffers.C, $"{t} offset {offset}");
        buffers.AssertPaddingUntouched(offset);
    }

    /// <summary>
    /// A, B and C in one pinned array, each starting a chosen number of floats past a 64-byte boundary, with
    /// 64 NaN floats before and after each, so a path that reads or writes outside its operand (a whole grid
    /// vector where only a few lanes belong to it) shows.
    /// </summary>
    private sealed class OffsetBuffers
    {
        private const int Guard = 64;
        private readonly float[] block;
        private readonly int[] starts = new int[3];
        private readonly int[] lengths;

        public OffsetBuffers(int a, int b, int c, int offset)
        {
            lengths = [a, b, c];
            int[] offsets = [(offset * 5 + 3) % 16, (offset * 3 + 7) % 16, offset];
            int total = 0;
            for (int i = 0; i < 3; i++)
            {
                // Each operand's guard starts at a multiple of 16 floats, so the operand is offsets[i] floats past one.
                starts[i] = total + Guard + offsets[i];
                total = (starts[i] + lengths[i] + Guard + 15) / 16 * 16;
            }

            // Pinned, so its address (and the offsets from the grid) cannot change; shift everything so that
            // element `first` is on a 64-byte boundary.
            block = GC.AllocateArray<float>(total + 16, pinned: true);
            long address = Marshal.UnsafeAddrOfPinnedArrayElement(block, 0).ToInt64();
            Assert.Equal(0, address % sizeof(float));
            int first = (int)((16 - (address / sizeof(float) % 16)) % 16);
            for (int i = 0; i < 3; i++)
            {
                starts[i] += first;
            }

            Array.Fill(block, float.NaN);
        }

        public Span<float> A => block.AsSpan(starts[0], lengths[0]);

        public Span<float> B => block.AsSpan(starts[1], lengths[1]);

        public Span<float> C => block.AsSpan(starts[2], lengths[2]);

        public void AssertPaddingUntouched(int offset)
        {
            for (int g = 1; g <= Guard; g++)
            {
                Assert.True(float.IsNaN(block[starts[2] - g]), $"offset {offset}: C's guard {g} floats before it was written.");
                Assert.True(float.IsNaN(block[starts[2] + lengths[2] + g - 1]), $"offset {offset}: C's guard {g} floats after it was written.");
            }
        }
    }
}
