using System;
using LayerGen.Kernels;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Kernels;

/// <summary>
/// The index kernels on their own, against naive loops written here: row gathers and scatter-adds at row
/// lengths around every vector width (so the vector loop, its tail and the scalar-only case all run), the
/// gather along an axis, the bounds check (the same message as the eager ops), length checks, and no allocation.
/// </summary>
public sealed class IndexKernelsTests
{
    public static TheoryData<int> RowLengths => new([0, 1, 3, 4, 7, 8, 9, 16, 17, 33, 64]);

    [Theory]
    [MemberData(nameof(RowLengths))]
    public void GatherRows_copies_the_named_rows(int rowLength)
    {
        const int Rows = 6;
        float[] source = Values(Rows * rowLength, seed: rowLength);
        long[] ids = [5, 0, 5, 2, -1, -6];
        var destination = new float[ids.Length * rowLength];

        IndexKernels.GatherRows("test", source, Rows, rowLength, ids, destination, negativeWraps: true);

        for (int k = 0; k < ids.Length; k++)
        {
            long row = ids[k] < 0 ? ids[k] + Rows : ids[k];
            for (int i = 0; i < rowLength; i++)
            {
                Assert.Equal(source[(row * rowLength) + i], destination[(k * rowLength) + i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(RowLengths))]
    public void ScatterAddRows_accumulates_repeated_rows_exactly_as_a_scalar_loop(int rowLength)
    {
        const int Rows = 5;
        long[] ids = [3, 1, 3, 3, 0, -2];
        float[] outputGrad = Values(ids.Length * rowLength, seed: 100 + rowLength);
        float[] grad = Values(Rows * rowLength, seed: 200 + rowLength); // accumulates on top of what is there
        float[] expected = (float[])grad.Clone();
        for (int k = 0; k < ids.Length; k++)
        {
            long row = ids[k] < 0 ? ids[k] + Rows : ids[k];
            for (int i = 0; i < rowLength; i++)
            {
                expected[(row * rowLength) + i] += outputGrad[(k * rowLength) + i];
            }
        }

        IndexKernels.ScatterAddRows("test", outputGrad, Rows, rowLength, ids, grad, negativeWraps: true);

        Assert.Equal(expected, grad); // the same additions in the same order: bit for bit
    }

    [Fact]
    public void Gather_and_scatter_add_along_an_axis_match_naive_loops()
    {
        const int Outer = 3, N = 5, Inner = 4, K = 6;
        float[] source = Values(Outer * N * Inner, seed: 1);
        var indices = new long[Outer * K * Inner];
        for (int p = 0; p < indices.Length; p++)
        {
            indices[p] = (p * 7 + 3) % N; // repeats along the axis
        }

        var gathered = new float[indices.Length];
        IndexKernels.GatherAlongAxis("test", source, Outer, N, Inner, indices, gathered);
        float[] outputGrad = Values(indices.Length, seed: 2);
        var grad = new float[source.Length];
        IndexKernels.ScatterAddAlongAxis("test", outputGrad, Outer, N, Inner, indices, grad);

        var expectedGrad = new float[source.Length];
        for (int o = 0, p = 0; o < Outer; o++)
        {
            for (int j = 0; j < K; j++)
            {
                for (int i = 0; i < Inner; i++, p++)
                {
                    long at = (((o * N) + indices[p]) * Inner) + i;
                    Assert.Equal(source[at], gathered[p]);
                    expectedGrad[at] += outputGrad[p];
                }
            }
        }

        Assert.Equal(expectedGrad, grad);
    }

    [Fact]
    public void A_bad_index_fails_with_the_message_of_the_eager_op()
    {
        float[] weight = Values(4 * 3, seed: 3);
        long[] ids = [1, 0, 4];
        var kernel = Assert.Throws<ArgumentOutOfRangeException>(
            () => IndexKernels.GatherRows("Embedding", weight, 4, 3, ids, new float[9]));
        var eager = Assert.Throws<ArgumentOutOfRangeException>(
            () => Ops.Embedding(Tensor.FromIds(ids), Tensor.From(weight, 4, 3)));
        var check = Assert.Throws<ArgumentOutOfRangeException>(() => IndexKernels.CheckIndices("Embedding", ids, 4));

        Assert.Equal("Embedding: index 4 at position 2 is out of range for a dimension of size 4: indices must be in [0, 4). (Parameter 'indices')\nActual value was 4.",
            kernel.Message.ReplaceLineEndings("\n"));
        Assert.Equal(kernel.Message, eager.Message);
        Assert.Equal(kernel.Message, check.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexKernels.ScatterAddRows("Embedding", new float[9], 4, 3, ids, new float[12]));
        Assert.Throws<ArgumentOutOfRangeException>(() => IndexKernels.GatherAlongAxis("Gather", weight, 1, 4, 3, [0, 1, 2, 0, 1, 4], new float[6]));
        IndexKernels.CheckIndices("index", [-4, 3], 4, negativeWraps: true); // in range when -1 is the last row
    }

    [Fact]
    public void Lengths_that_do_not_fit_are_refused_before_anything_is_read()
    {
        var e = Assert.Throws<ArgumentException>(() => IndexKernels.GatherRows("Embedding", new float[12], 4, 3, [1, 2], new float[5]));
        Assert.Contains("Embedding: a source of 12 floats as 4 rows of 3, and 2 indices, need a 'destination' of 6 floats but it has 5", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => IndexKernels.ScatterAddRows("Embedding", new float[6], 4, 3, [1, 2], new float[11]));
        Assert.Throws<ArgumentException>(() => IndexKernels.GatherAlongAxis("Gather", new float[12], 1, 4, 3, [0, 1], new float[2]));
    }

    [Fact]
    public void Warm_kernels_allocate_nothing()
    {
        float[] weight = Values(100 * 32, seed: 4);
        long[] ids = [3, 99, 3, 0, 57, 12, 3, 8];
        var rows = new float[ids.Length * 32];
        var grad = new float[weight.Length];
        long[] along = new long[8 * 32];
        var gathered = new float[along.Length];
        void Run()
        {
            IndexKernels.CheckIndices("Embedding", ids, 100);
            IndexKernels.GatherRows("Embedding", weight, 100, 32, ids, rows);
            IndexKernels.ScatterAddRows("Embedding", rows, 100, 32, ids, grad);
            IndexKernels.GatherAlongAxis("Gather", weight, 1, 100, 32, along, gathered);
            IndexKernels.ScatterAddAlongAxis("Gather", gathered, 1, 100, 32, along, grad);
        }

        Assert.Equal(0, Allocations.AfterWarmUp(Run));
    }

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 4) - 2);
        }

        return values;
    }
}
