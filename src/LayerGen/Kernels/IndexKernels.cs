using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LayerGen.Kernels;

/// <summary>
/// Integer indexing over spans, for generated kernels and the eager ops alike: the gather of rows that
/// <c>weight[ids]</c>, <c>Ops.Embedding</c> and <c>IndexSelect</c> compute, the gather along an axis of
/// <c>Gather</c>, and their backward passes, which scatter-add the output gradient into the indexed
/// tensor's gradient (a repeated index accumulates). No allocation.
/// </summary>
/// <remarks>
/// <para>Every kernel checks each index as it reads it (one compare beside a row copy) and throws the
/// error <see cref="CheckIndices"/> throws, naming the index, its position and the bound: an
/// out-of-range id is never a silent zero row or a read of another row's memory. A kernel that throws
/// may have written part of its output.</para>
/// <para><c>negativeWraps</c> picks the rule: false refuses negative indices (F.embedding, index_select,
/// gather); true lets -1 mean the last row, as PyTorch's advanced indexing <c>weight[ids]</c> does.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class IndexKernels
{
    /// <summary>Throws unless every index is in [0, <paramref name="bound"/>) (or [-bound, bound) when <paramref name="negativeWraps"/>).</summary>
    /// <param name="owner">Who indexes, first in the message (e.g. <c>Embedding</c>).</param>
    /// <param name="indices">The indices, row-major; a position in the message counts in this span.</param>
    /// <param name="bound">The size of the indexed dimension.</param>
    /// <param name="negativeWraps">Whether -k means bound - k.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range: the message names it, its position and the bound.</exception>
    public static void CheckIndices(string owner, ReadOnlySpan<long> indices, int bound, bool negativeWraps = false)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            Resolve(owner, indices[k], k, bound, negativeWraps);
        }
    }

    /// <summary>
    /// Row k of <paramref name="destination"/> = row indices[k] of <paramref name="source"/> [rows, rowLength]:
    /// destination is [indices.Length, rowLength]. Each row is one vectorised block copy.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length does not fit <paramref name="rows"/>, <paramref name="rowLength"/> and the indices.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range (see <see cref="CheckIndices"/>).</exception>
    public static void GatherRows(
        string owner, ReadOnlySpan<float> source, int rows, int rowLength, ReadOnlySpan<long> indices, Span<float> destination, bool negativeWraps = false)
    {
        CheckRowLengths(owner, source.Length, rows, rowLength, indices.Length, destination.Length, "destination");
        for (int k = 0; k < indices.Length; k++)
        {
            int row = Resolve(owner, indices[k], k, rows, negativeWraps);
            source.Slice(row * rowLength, rowLength).CopyTo(destination.Slice(k * rowLength, rowLength));
        }
    }

    /// <summary>
    /// The backward of <see cref="GatherRows"/>: row indices[k] of <paramref name="sourceGrad"/> [rows, rowLength]
    /// += row k of <paramref name="outputGrad"/> [indices.Length, rowLength]. A repeated index accumulates; rows no
    /// index names are left as they are (the caller clears the gradient first when it is to be overwritten).
    /// </summary>
    /// <exception cref="ArgumentException">A span's length does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range (see <see cref="CheckIndices"/>).</exception>
    public static void ScatterAddRows(
        string owner, ReadOnlySpan<float> outputGrad, int rows, int rowLength, ReadOnlySpan<long> indices, Span<float> sourceGrad, bool negativeWraps = false)
    {
        CheckRowLengths(owner, sourceGrad.Length, rows, rowLength, indices.Length, outputGrad.Length, "outputGrad");
        for (int k = 0; k < indices.Length; k++)
        {
            int row = Resolve(owner, indices[k], k, rows, negativeWraps);
            AddTo(sourceGrad.Slice(row * rowLength, rowLength), outputGrad.Slice(k * rowLength, rowLength));
        }
    }

    /// <summary>
    /// <c>torch.gather</c> where the index has the source's shape except along the axis:
    /// source [outer, n, inner], indices [outer, k, inner] (each in [0, n)), destination [outer, k, inner] with
    /// destination[o, j, i] = source[o, indices[o, j, i], i].
    /// </summary>
    /// <exception cref="ArgumentException">A span's length does not fit the sizes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range (see <see cref="CheckIndices"/>).</exception>
    public static void GatherAlongAxis(
        string owner, ReadOnlySpan<float> source, int outer, int n, int inner, ReadOnlySpan<long> indices, Span<float> destination)
    {
        int k = CheckAxisLengths(owner, source.Length, outer, n, inner, indices.Length, destination.Length, "destination");
        int position = 0;
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<float> block = source.Slice(o * n * inner, n * inner);
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < inner; i++, position++)
                {
                    destination[position] = block[(Resolve(owner, indices[position], position, n, false) * inner) + i];
                }
            }
        }
    }

    /// <summary>The backward of <see cref="GatherAlongAxis"/>: sourceGrad[o, indices[o, j, i], i] += outputGrad[o, j, i].</summary>
    /// <exception cref="ArgumentException">A span's length does not fit the sizes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range (see <see cref="CheckIndices"/>).</exception>
    public static void ScatterAddAlongAxis(
        string owner, ReadOnlySpan<float> outputGrad, int outer, int n, int inner, ReadOnlySpan<long> indices, Span<float> sourceGrad)
    {
        int k = CheckAxisLengths(owner, sourceGrad.Length, outer, n, inner, indices.Length, outputGrad.Length, "outputGrad");
        int position = 0;
        for (int o = 0; o < outer; o++)
        {
            Span<float> block = sourceGrad.Slice(o * n * inner, n * inner);
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < inner; i++, position++)
                {
                    block[(Resolve(owner, indices[position], position, n, false) * inner) + i] += outputGrad[position];
                }
            }
        }
    }

    /// <summary>The error every index check throws, for the eager ops that check indices their own way.</summary>
    internal static ArgumentOutOfRangeException OutOfRange(string owner, long index, long position, int bound, bool negativeWraps) =>
        new("indices", index,
            $"{owner}: index {index} at position {position} is out of range for a dimension of size {bound}: " +
            (negativeWraps ? $"indices must be in [{-(long)bound}, {bound})." : $"indices must be in [0, {bound})."));

    /// <summary>The row an index names, or the error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Resolve(string owner, long index, int position, int bound, bool negativeWraps)
    {
        long row = negativeWraps && index < 0 ? index + bound : index;
        if ((ulong)row >= (ulong)bound)
        {
            ThrowOutOfRange(owner, index, position, bound, negativeWraps);
        }

        return (int)row;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOutOfRange(string owner, long index, int position, int bound, bool negativeWraps) =>
        throw OutOfRange(owner, index, position, bound, negativeWraps);

    /// <summary>to += from, a vector at a time and then a scalar tail.</summary>
    private static void AddTo(Span<float> to, ReadOnlySpan<float> from)
    {
        ref float target = ref MemoryMarshal.GetReference(to);
        ref float addend = ref MemoryMarshal.GetReference(from);
        int i = 0;
        for (; i <= to.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            (Vector.LoadUnsafe(ref target, (nuint)i) + Vector.LoadUnsafe(ref addend, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
        }

        for (; i < to.Length; i++)
        {
            Unsafe.Add(ref target, i) += Unsafe.Add(ref addend, i);
        }
    }

    private static void CheckRowLengths(string owner, int sourceLength, int rows, int rowLength, int indexCount, int gatheredLength, string gatheredName)
    {
        if (rows < 0 || rowLength < 0 || sourceLength != (long)rows * rowLength || gatheredLength != (long)indexCount * rowLength)
        {
            throw new ArgumentException(
                $"{owner}: a source of {sourceLength} floats as {rows} rows of {rowLength}, and {indexCount} indices, need a '{gatheredName}' of {(long)indexCount * rowLength} floats but it has {gatheredLength}.",
                gatheredName);
        }
    }

    private static int CheckAxisLengths(
        string owner, int sourceLength, int outer, int n, int inner, int indexCount, int gatheredLength, string gatheredName)
    {
        long block = (long)outer * inner;
        if (outer < 0 || n < 0 || inner < 0 || sourceLength != block * n || gatheredLength != indexCount
            || (block == 0 ? indexCount != 0 : indexCount % block != 0))
        {
            throw new ArgumentException(
                $"{owner}: {indexCount} indices and a '{gatheredName}' of {gatheredLength} floats do not fit a source of {sourceLength} floats as [{outer}, {n}, {inner}].",
                gatheredName);
        }

        return block == 0 ? 0 : (int)(indexCount / block);
    }
}
