using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// Every eager op's backward against central finite differences of its forward: a table of fixed cases
/// (each op, its broadcasting and axis variants, grouped by kind of op), then CsCheck properties over random
/// shapes and axes for the ops whose index arithmetic depends on them.
/// </summary>
/// <remarks>Error budget and method: <see cref="EagerGradCheck"/>.</remarks>
public sealed class EagerGradientTests
{
    private delegate Tensor[] Sampler(Random random);

    private static Sampler U(params int[][] shapes) => r => Array.ConvertAll(shapes, s => EagerGradCheck.Uniform(r, s));

    private static Sampler U(double low, double high, double away, params int[][] shapes) =>
        r => Array.ConvertAll(shapes, s => EagerGradCheck.Uniform(r, s, low, high, away));

    // Inputs drawn from different intervals, in order.
    private static Sampler All(params Func<Random, Tensor>[] inputs) => r => Array.ConvertAll(inputs, input => input(r));

    private static Func<Random, Tensor> In(int[] shape, double low = -2, double high = 2, double away = 0) =>
        r => EagerGradCheck.Uniform(r, shape, low, high, away);

    // Tensors of alternating parity: no ties within a tensor or between two of them.
    private static Sampler S(params int[][] shapes) => r => shapes.Select((s, i) => EagerGradCheck.Separated(r, s, i % 2)).ToArray();

    // Where's mask is a constant (no gradient), captured rather than perturbed.
    private static readonly Tensor Mask34 = Tensor.From([1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0], 3, 4);

    // A clamp input that stays 0.05 away from the bounds -1 and 1 (so x +- h never crosses one).
    private static Sampler ClampInput(params int[] shape) => r =>
    {
        Tensor t = EagerGradCheck.Uniform(r, shape, -2, 2);
        for (int i = 0; i < t.Count; i++)
        {
            if (Math.Abs(Math.Abs(t.Data[i]) - 1) < 0.05)
            {
                t.Data[i] *= 1.2f;
            }
        }

        return [t];
    };

    private static readonly Dictionary<string, (Sampler Inputs, Func<Tensor[], Tensor> F)> Functions = new()
    {
        // Arithmetic and broadcasting
        ["add"] = (U([3, 4], [3, 4]), x => x[0] + x[1]),
        ["add broadcast row"] = (U([3, 4], [4]), x => x[0] + x[1]),
        ["sub broadcast column"] = (U([3, 4], [3, 1]), x => x[0] - x[1]),
        ["mul broadcast both"] = (U([3, 1], [1, 4]), x => x[0] * x[1]),
        ["mul same tensor"] = (U([2, 3]), x => x[0] * x[0]),
        ["div"] = (All(In([2, 3]), In([2, 3], 0.5, 2, 0)), x => x[0] / x[1]),
        ["div broadcast 3d"] = (All(In([2, 1, 3]), In([4, 1], 0.5, 2, 0)), x => x[0] / x[1]),
        ["scalar add sub"] = (U([4]), x => 3f - (x[0] + 2f) - 1f),
        ["scalar mul div"] = (All(In([4], 0.5, 2, 0)), x => 2f * (x[0] * 3f) / 4f + 1f / x[0]),
        ["neg"] = (U([2, 2]), x => -x[0]),
        // Element-wise functions
        ["relu"] = (All(In([3, 5], -2, 2, 0.1)), x => Ops.Relu(x[0])),
        ["tanh"] = (U([3, 5]), x => Ops.Tanh(x[0])),
        ["sigmoid"] = (U([3, 5]), x => Ops.Sigmoid(x[0])),
        ["exp"] = (All(In([3, 5], -1.5, 1.5, 0)), x => Ops.Exp(x[0])),
        ["log"] = (All(In([3, 5], 0.5, 3, 0)), x => Ops.Log(x[0])),
        ["gelu"] = (U(-3, 3, 0, [3, 5]), x => Ops.Gelu(x[0])),
        ["gelu tanh"] = (U(-3, 3, 0, [3, 5]), x => Ops.Gelu(x[0], approximate: "tanh")),
        ["erf"] = (U(-3, 3, 0, [3, 5]), x => x[0].Erf()),
        ["sqrt"] = (U(0.3, 3, 0, [3, 4]), x => x[0].Sqrt()),
        ["abs"] = (U(-2, 2, 0.1, [3, 4]), x => Ops.Abs(x[0])),
        ["square"] = (U([3, 4]), x => x[0].Square()),
        ["pow 3"] = (U([3, 4]), x => x[0].Pow(3f)),
        ["pow 0.5"] = (U(0.3, 3, 0, [3, 4]), x => Ops.Pow(x[0], 0.5f)),
        ["pow -1.5"] = (U(0.5, 2, 0, [3, 4]), x => x[0].Pow(-1.5f)),
        ["sqrt abs plus 1"] = (U(-2, 2, 0.1, [3, 7]), x => Ops.Sqrt(Ops.Abs(x[0]) + 1f)),
        ["clamp"] = (ClampInput(4, 5), x => x[0].Clamp(-1f, 1f)),
        ["clamp via Ops"] = (ClampInput(20), x => Ops.Clamp(x[0], -1f, 1f) * x[0]),
        // Maximum, minimum, comparisons and selection
        ["maximum"] = (S([3, 4], [3, 4]), x => Ops.Maximum(x[0], x[1])),
        ["maximum broadcast"] = (S([3, 4], [4]), x => Ops.Maximum(x[0], x[1])),
        ["minimum broadcast both"] = (S([3, 1], [1, 4]), x => Ops.Minimum(x[0], x[1])),
        ["where"] = (U([3, 4], [3, 4]), x => Ops.Where(Mask34, x[0], x[1])),
        ["where broadcast"] = (U([4], [3, 1]), x => Ops.Where(Mask34, x[0], x[1])),
        ["where of comparison"] = (r => [EagerGradCheck.Separated(r, [3, 4], parity: 1)], x => Ops.Where(x[0] > 0f, x[0], x[0] * 0.1f)), // leaky relu; no input at 0
        // Reductions and softmax
        ["sum"] = (U([3, 4]), x => x[0].Sum()),
        ["sum axis"] = (U([2, 3, 4]), x => x[0].Sum(1)),
        ["sum last keepdim"] = (U([2, 3, 4]), x => x[0].Sum(-1, keepDim: true)),
        ["mean"] = (U([3, 4]), x => x[0].Mean()),
        ["mean axis 0"] = (U([3, 4]), x => x[0].Mean(0)),
        ["mean last keepdim"] = (U([2, 3, 4]), x => x[0].Mean(-1, keepDim: true)),
        ["max last"] = (S([3, 5]), x => x[0].Max(-1)),
        ["max axis 0 keepdim"] = (S([4, 3]), x => x[0].Max(0, keepDim: true)),
        ["min middle of 3d"] = (S([2, 4, 3]), x => x[0].Min(1)),
        ["softmax last"] = (U([3, 5]), x => x[0].Softmax(-1)),
        ["softmax axis 0"] = (U([4, 3]), x => Ops.Softmax(x[0], 0)),
        ["softmax middle of 3d"] = (U([2, 3, 4]), x => x[0].Softmax(1)),
        ["log softmax last"] = (U([3, 5]), x => x[0].LogSoftmax(-1)),
        ["log softmax middle of 3d"] = (U([2, 4, 3]), x => Ops.LogSoftmax(x[0], -2)),
        // Matrix products and einsum
        ["matmul 2d"] = (U([3, 4], [4, 2]), x => x[0].MatMul(x[1])),
        ["matmul 3d x 2d"] = (U([2, 3, 4], [4, 2]), x => x[0].MatMul(x[1])),
        ["matmul matrix vector"] = (U([3, 4], [4]), x => x[0].MatMul(x[1])),
        ["matmul vector matrix"] = (U([4], [4, 2]), x => Ops.MatMul(x[0], x[1])),
        ["matmul dot"] = (U([5], [5]), x => x[0].MatMul(x[1])),
        ["matmul batched"] = (U([2, 3, 4], [2, 4, 2]), x => x[0].MatMul(x[1])),
        ["matmul batched, size-1 axis broadcast"] = (U([2, 1, 3, 4], [3, 4, 2]), x => x[0].MatMul(x[1])),
        ["matmul vector x batched"] = (U([4], [2, 4, 3]), x => x[0].MatMul(x[1])),
        ["einsum bilinear, x used twice"] = (U([3, 3, 2], [4, 3]), x => Ops.Einsum("ijk,bi,bj->bk", x[0], x[1], x[1])),
        ["einsum matmul"] = (U([3, 4], [4, 2]), x => Ops.Einsum("ij,jk->ik", x[0], x[1])),
        ["einsum batched matmul"] = (U([2, 3, 4], [2, 4, 2]), x => Ops.Einsum("bij,bjk->bik", x[0], x[1])),
        ["einsum output permutation"] = (U([2, 3, 4]), x => Ops.Einsum("ijk->kij", x[0])),
        ["einsum outer product"] = (U([3], [4]), x => Ops.Einsum("i,j->ij", x[0], x[1])),
        ["einsum full sum"] = (U([3, 4]), x => Ops.Einsum("ij->", x[0])),
        ["einsum summed only in one operand"] = (U([3, 4], [3]), x => Ops.Einsum("ij,i->i", x[0], x[1])),
        ["einsum diagonal"] = (U([4, 4]), x => Ops.Einsum("ii->i", x[0])),
        ["einsum trace times vector"] = (U([3, 3], [2]), x => Ops.Einsum("ii,k->k", x[0], x[1])),
        ["einsum four operands"] = (U([2, 3], [3, 4], [4, 2], [2]), x => Ops.Einsum("ab,bc,cd,d->a", x[0], x[1], x[2], x[3])),
        ["einsum same operand three times"] = (U([3]), x => Ops.Einsum("i,i,i->i", x[0], x[0], x[0])),
        // Rearrangements
        ["transpose 2d"] = (U([3, 4]), x => x[0].T),
        ["transpose 3d"] = (U([2, 3, 4]), x => x[0].Transpose(0, 2)),
        ["reshape"] = (U([2, 6]), x => x[0].Reshape(3, -1) * Tensor.Arange(4)),
        ["view"] = (U([2, 6]), x => x[0].View(3, 4) * Tensor.Arange(4)),
        ["permute 3d"] = (U([2, 3, 4]), x => x[0].Permute(2, 0, 1) * Tensor.Arange(3)),
        ["permute negative dims"] = (U([2, 3, 4]), x => x[0].Permute(-1, -3, -2)),
        ["narrow"] = (U([3, 5]), x => x[0].Narrow(1, 1, 3)),
        ["narrow negative start"] = (U([4, 3]), x => x[0].Narrow(0, -3, 2)),
        ["slice"] = (U([2, 6, 2]), x => x[0].Slice(1, 1, -1)),
        ["slice last dim"] = (U([3, 5]), x => x[0].Slice(-1, 2, 5)),
        ["concat axis 0"] = (U([2, 3], [1, 3], [4, 3]), x => Ops.Concat(0, x[0], x[1], x[2])),
        ["concat last"] = (U([2, 3, 1], [2, 3, 2]), x => Ops.Concat(-1, x[0], x[1])),
        ["concat same tensor"] = (U([2, 3]), x => Ops.Concat(1, x[0], x[0] * 2f, x[0])),
        ["stack axis 0"] = (U([2, 3], [2, 3]), x => Ops.Stack(0, x[0], x[1])),
        ["stack middle"] = (U([2, 3], [2, 3], [2, 3]), x => Ops.Stack(1, x[0], x[1], x[2])),
        ["stack last"] = (U([4], [4]), x => Ops.Stack(-1, x[0], x[1])),
        // Fourier
        ["fft half n=8"] = (U([2, 8]), x => Ops.FftHalf(x[0])),
        ["fft half n=5"] = (U([3, 5]), x => Ops.FftHalf(x[0])),
        ["fft half n=6 3d"] = (U([2, 2, 6]), x => Ops.FftHalf(x[0])),
        // Composites: the chapter's layers and chains with fan-out
        ["centered"] = (U([4, 8]), x => x[0] - x[0].Mean()),
        ["my linear"] = (U([2, 5], [5, 3], [3]), x => Ops.Relu(x[0].MatMul(x[1]) + x[2])),
        ["softmax by parts"] = (U([2, 4]), x => Ops.Exp(x[0]) / Ops.Exp(x[0]).Sum(-1, keepDim: true)),
        ["chain and fan-out"] = (U([3]), x => Ops.Tanh(x[0]) * Ops.Sigmoid(x[0]) + x[0] * 0.5f),
        ["composite: gelu of einsum, softmax"] = (U([3, 4], [2, 3]), x => Ops.Gelu(Ops.Einsum("ij,bi->bj", x[0], x[1])).Softmax(-1)),
    };

    public static TheoryData<string> Cases() => new(Functions.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_central_differences(string name)
    {
        (Sampler sample, Func<Tensor[], Tensor> f) = Functions[name];
        var random = new Random(name.Length * 7919 + name[0]); // deterministic per case
        EagerGradCheck.Check(name, f, sample(random), random);
    }

    // Random shapes: rank 1..3, sizes 1..4 (at most 64 elements, so a sample costs well under a millisecond).
    private static readonly Gen<int[]> Shape = Gen.Int[1, 4].Array[1, 3];

    private static readonly Gen<(int[] Shape, int Axis, int Seed)> ShapeAndAxis =
        Gen.Select(Shape, Gen.Int[0, 5], Gen.Int, (shape, axis, seed) => (shape, axis % shape.Length - (axis % 2) * shape.Length, seed));

    [Fact]
    public void Softmax_and_log_softmax_over_random_shapes_and_axes()
    {
        ShapeAndAxis.Sample(s =>
        {
            var random = new Random(s.Seed);
            Tensor x = EagerGradCheck.Uniform(random, s.Shape);
            EagerGradCheck.Check($"softmax {Tensor.FormatShape(s.Shape)} axis {s.Axis}", t => t[0].Softmax(s.Axis), [x], random);
            EagerGradCheck.Check($"log softmax {Tensor.FormatShape(s.Shape)} axis {s.Axis}", t => t[0].LogSoftmax(s.Axis), [x], random);
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void Max_and_min_over_random_shapes_and_axes()
    {
        ShapeAndAxis.Sample(s =>
        {
            var random = new Random(s.Seed);
            Tensor x = EagerGradCheck.Separated(random, s.Shape);
            EagerGradCheck.Check($"max {Tensor.FormatShape(s.Shape)} axis {s.Axis}", t => t[0].Max(s.Axis, keepDim: s.Seed % 2 == 0), [x], random);
            EagerGradCheck.Check($"min {Tensor.FormatShape(s.Shape)} axis {s.Axis}", t => t[0].Min(s.Axis), [x], random);
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void Permute_over_random_shapes_and_permutations()
    {
        Gen.Select(Shape, Gen.Int).Sample(s =>
        {
            (int[] shape, int seed) = s;
            var random = new Random(seed);
            int[] dims = Enumerable.Range(0, shape.Length).ToArray();
            random.Shuffle(dims);
            Tensor x = EagerGradCheck.Uniform(random, shape);
            Tensor y = x.Permute(dims);

            // Values: y[i_0, ..., i_r] = x[j] with j_dims[k] = i_k.
            Assert.Equal(dims.Select(d => shape[d]), y.Shape.ToArray());
            int[] index = new int[shape.Length];
            for (int flat = 0; flat < y.Count; flat++)
            {
                int rest = flat;
                for (int k = shape.Length - 1; k >= 0; k--)
                {
                    index[dims[k]] = rest % shape[dims[k]];
                    rest /= shape[dims[k]];
                }

                Assert.Equal(x[index], y.Data[flat]);
            }

            EagerGradCheck.Check($"permute {Tensor.FormatShape(shape)} by {Tensor.FormatShape(dims)}", t => t[0].Permute(dims), [x], random);
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void Concat_stack_and_slice_over_random_shapes_and_axes()
    {
        Gen.Select(ShapeAndAxis, Gen.Int[1, 3]).Sample(s =>
        {
            ((int[] shape, int axis, int seed), int parts) = s;
            var random = new Random(seed);
            int d = axis < 0 ? axis + shape.Length : axis;

            // Concat: parts of different sizes along the axis.
            Tensor[] pieces = Enumerable.Range(0, parts).Select(p =>
            {
                int[] pieceShape = (int[])shape.Clone();
                pieceShape[d] = random.Next(1, 4);
                return EagerGradCheck.Uniform(random, pieceShape);
            }).ToArray();
            EagerGradCheck.Check($"concat {parts} along {axis}", t => Ops.Concat(axis, t), pieces, random);

            // Stack: equal shapes, new axis anywhere in [-(rank+1), rank].
            int stackAxis = seed % 2 == 0 ? d : d - shape.Length - 1;
            Tensor[] equal = Enumerable.Range(0, parts).Select(_ => EagerGradCheck.Uniform(random, shape)).ToArray();
            EagerGradCheck.Check($"stack {parts} along {stackAxis}", t => Ops.Stack(stackAxis, t), equal, random);

            // Slice and narrow: a random in-range window.
            int size = shape[d];
            int start = random.Next(size), length = random.Next(size - start + 1);
            Tensor x = EagerGradCheck.Uniform(random, shape);
            EagerGradCheck.Check($"slice {start}:{start + length} of {axis}", t => t[0].Slice(axis, start, start + length), [x], random);
            Assert.Equal(x.Slice(axis, start, start + length).Data, x.Narrow(axis, start - size, length).Data);
        }, iter: 30, threads: 1);
    }
}
