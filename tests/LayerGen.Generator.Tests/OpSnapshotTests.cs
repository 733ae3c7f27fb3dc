using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Golden output of the generator for one layer per group of ops (einsum, Fourier, softmax, max/min,
/// comparisons, pointwise functions, rearrangements, dropout, children), in Snapshots/Op_*.verified.cs: what
/// a user reads to see the loops their forward definition became.
/// Every run must be clean: no generator diagnostic, and user plus generated code compiles without warnings.
/// </summary>
public sealed class OpSnapshotTests
{
    [Fact]
    public void Einsum_the_tensor_reduction_exercise_with_a_constant_construction() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        /// <summary>y_k = Σ_ij W_ijk x_i x_j: x is used twice, so its gradient has two terms.</summary>
        [Layer]
        public partial class TensorReduction(int inputs, int outputs)
        {
            [Parameter] Tensor weight = Tensor.Randn(inputs, inputs, outputs);

            Tensor Forward(Tensor x) => Ops.Einsum("ijk,bi,bj->bk", weight, x, x);
        }

        public static class Build
        {
            public static TensorReduction Create() => new TensorReduction(16, 8);
        }
        """,
        "TensorReduction",
        "Op_Einsum");

    [Fact]
    public void Hyperparameters_a_dropout_probability_and_a_scale_from_the_constructor() => Match(
        """
        using System;
        using LayerGen;

        namespace OpSnapshots;

        /// <summary>Float hyperparameters: passed to every kernel; the int sizes alone choose the specialised one.</summary>
        [Layer]
        public partial class ScaledDropout(int d, int units, float dropout, float temperature)
        {
            [Parameter] Tensor weight = Tensor.Randn(d, units) * 0.01f;

            Tensor Forward(Tensor x) => Ops.Dropout(x.MatMul(weight) * (1f / MathF.Sqrt(d)) / temperature, dropout);
        }

        public static class Build
        {
            public static ScaledDropout Create(float p) => new ScaledDropout(16, 8, p, 2f);
        }
        """,
        "ScaledDropout",
        "Op_Hyperparameters");

    [Fact]
    public void FftHalf_with_a_constant_construction() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer(Input = "[*, n]")]
        public partial class FourierHalf(int n)
        {
            Tensor Forward(Tensor x) => Ops.FftHalf(x);
        }

        public static class Build
        {
            public static FourierHalf Create() => new FourierHalf(64);
        }
        """,
        "FourierHalf",
        "Op_FftHalf");

    [Fact]
    public void Softmax_and_log_softmax() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        /// <summary>The entropy of each row's softmax distribution: -Σ p log p, as [*, 1].</summary>
        [Layer(Input = "[*, n]")]
        public partial class Entropy(int n)
        {
            Tensor Forward(Tensor x)
            {
                var p = x.Softmax(-1);
                return -(p * Ops.LogSoftmax(x, -1)).Sum(-1, true);
            }
        }
        """,
        "Entropy",
        "Op_Softmax");

    [Fact]
    public void Max_min_along_an_axis_and_maximum_minimum_of_two_tensors() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer]
        public partial class Extremes(int n)
        {
            [Parameter] Tensor floor = Tensor.Randn(n);

            Tensor Forward(Tensor x) => Ops.Maximum(x, floor) - x.Max(-1, true) + Ops.Minimum(x, floor) * x.Min(-1, true);
        }
        """,
        "Extremes",
        "Op_MaxMin");

    [Fact]
    public void Comparisons_and_where() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        /// <summary>A leaky ReLU written with a mask and Where, plus a mask that carries no gradient.</summary>
        [Layer]
        public partial class LeakyWhere(int n)
        {
            [Parameter] Tensor bias = Tensor.Randn(n);

            Tensor Forward(Tensor x)
            {
                var h = x + bias;
                return Ops.Where(h > 0f, h, h * 0.01f) + h.Le(-1f);
            }
        }
        """,
        "LeakyWhere",
        "Op_CompareWhere");

    [Fact]
    public void Clamp_pow_sqrt_abs_gelu() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer]
        public partial class Pointwise(int n)
        {
            [Parameter] Tensor scale = Tensor.Randn(n);

            Tensor Forward(Tensor x) => Ops.Gelu(Ops.Sqrt(Ops.Abs(x) + 1f) * scale, approximate: "tanh") + x.Clamp(-0.5f, 0.5f) + x.Pow(3f);
        }
        """,
        "Pointwise",
        "Op_Pointwise");

    [Fact]
    public void Exact_gelu_and_erf() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        /// <summary>Exact GELU is lowered to 0.5·x·(1 + erf(x/√2)), so its backward is erf's rule and the product rule.</summary>
        [Layer]
        public partial class ErfGelu(int n)
        {
            [Parameter] Tensor scale = Tensor.Randn(n);

            Tensor Forward(Tensor x) => Ops.Gelu(x * scale) + x.Erf();
        }
        """,
        "ErfGelu",
        "Op_ErfGelu");

    [Fact]
    public void Permute_transpose_reshape() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer(Input = "[*, 4, 3]")]
        public partial class Rearrange
        {
            [Parameter] Tensor weight = Tensor.Randn(3, 4);

            Tensor Forward(Tensor x) => (x.Permute(0, 2, 1) * weight + x.Transpose(-1, -2)).Reshape(-1, 12);
        }
        """,
        "Rearrange",
        "Op_Rearrange");

    [Fact]
    public void Narrow_slice_concat_stack() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer(Input = "[*, 6]")]
        public partial class Pieces
        {
            Tensor Forward(Tensor x)
            {
                var ends = Ops.Concat(-1, x.Narrow(-1, 0, 2), x.Slice(-1, 4, 6));
                return Ops.Stack(1, ends, x.Narrow(-1, 1, 4));
            }
        }
        """,
        "Pieces",
        "Op_Pieces");

    [Fact]
    public void Dropout() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer]
        public partial class DropoutLinear(int inputs, int outputs)
        {
            [Parameter] Tensor weight = Tensor.Randn(inputs, outputs);

            Tensor Forward(Tensor x) => Ops.Dropout(Ops.Relu(x.MatMul(weight)), 0.2f);
        }
        """,
        "DropoutLinear",
        "Op_Dropout");

    [Fact]
    public void A_layer_holding_two_Linear_children() => Match(
        """
        using LayerGen;

        namespace OpSnapshots;

        [Layer]
        public partial class TanhMlp(int inputs, int hidden, int outputs)
        {
            private readonly Linear fc1 = new(inputs, hidden);
            private readonly Linear fc2 = new Linear(hidden, outputs);

            Tensor Forward(Tensor x)
            {
                var h = Ops.Tanh(fc1.Call(x));
                return fc2.Call(h);
            }
        }
        """,
        "TanhMlp",
        "Op_Children");

    private static void Match(string source, string layer, string snapshot)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        run.AssertClean();
        Snapshot.Match(run.Source($"OpSnapshots.{layer}.g.cs"), snapshot);
    }
}
