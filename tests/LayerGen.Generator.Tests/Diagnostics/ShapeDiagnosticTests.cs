using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// Diagnostics about shapes: LG0004 when a parameter's shape cannot be read from its initialiser
/// (on the initialiser, or on the name when there is none), LG0005 when shapes do not fit (on the
/// expression that combines them, naming both shapes; '*' is the batch).
/// </summary>
public sealed class ShapeDiagnosticTests
{
    [Fact]
    public void LG0004_a_parameter_without_an_initialiser_is_reported_on_its_name()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Unsized
            {
                [Parameter] Tensor {|LG0004:weight|};

                Tensor Forward(Tensor x) => x;
            }
            """,
            "The shape of parameter 'weight' cannot be determined from its initialiser: it has no initialiser; write e.g. 'Tensor.Randn(inUnits, units)'");
    }

    [Fact]
    public void LG0004_an_initialiser_that_is_not_a_tensor_factory_is_reported_on_the_initialiser()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Made
            {
                [Parameter] Tensor weight = {|LG0004:Make()|};

                static Tensor Make() => Tensor.Randn(4, 8);

                Tensor Forward(Tensor x) => x;
            }
            """,
            "The shape of parameter 'weight' cannot be determined from its initialiser: expected a call such as 'Tensor.Randn(inUnits, units)'");
    }

    [Fact]
    public void LG0004_a_factory_LayerGen_does_not_know()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Ramp
            {
                [Parameter] Tensor steps = {|LG0004:Tensor.Arange(0f, 8f, 0.5f)|};

                Tensor Forward(Tensor x) => x;
            }
            """,
            "The shape of parameter 'steps' cannot be determined from its initialiser: 'Arange' is not a tensor factory LayerGen knows (use a factory whose last parameter is 'params int[] shape', such as Tensor.Randn or Init.KaimingUniform)");
    }

    [Fact]
    public void LG0004_a_size_that_is_neither_constant_nor_a_size_parameter()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Wide(int inUnits)
            {
                static int Width => 8;

                [Parameter] Tensor weight = {|LG0004:Tensor.Randn(inUnits, Width)|};

                Tensor Forward(Tensor x) => x;
            }
            """,
            "The shape of parameter 'weight' cannot be determined from its initialiser: size 'Width' is neither a constant nor one of the layer's size parameters");
    }

    [Fact]
    public void LG0004_every_parameter_at_fault_is_reported()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class TwoWrongs
            {
                [Parameter] Tensor {|LG0004:weight|};
                [Parameter] Tensor bias = {|LG0004:Make()|};

                static Tensor Make() => Tensor.Zeros(8);

                Tensor Forward(Tensor x) => x;
            }
            """,
            "The shape of parameter 'weight' cannot be determined from its initialiser: it has no initialiser; write e.g. 'Tensor.Randn(inUnits, units)'",
            "The shape of parameter 'bias' cannot be determined from its initialiser: expected a call such as 'Tensor.Randn(inUnits, units)'");
    }

    [Theory]
    [InlineData("int", "3", "int")]
    [InlineData("float[]", "new float[4]", "float[]")]
    [InlineData("System.Collections.Generic.List<Tensor>", "new()", "System.Collections.Generic.List<LayerGen.Tensor>")]
    public void LG0004_a_parameter_that_is_not_a_Tensor_says_it_must_be_one(string type, string initialiser, string shown)
    {
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scaled(int n)
            {
                [Parameter] {{type}} {|LG0004:w|} = {{initialiser}};
                [Parameter] Tensor bias = Tensor.Zeros(n);

                Tensor Forward(Tensor x) => x + bias;
            }
            """,
            $"The shape of parameter 'w' cannot be determined from its initialiser: a parameter must be declared as a 'Tensor', not '{shown}'; write e.g. '[Parameter] Tensor w = Tensor.Randn(n);'");
    }

    [Fact]
    public void LG0005_on_a_parent_whose_child_does_not_compile_names_the_child_as_the_cause()
    {
        DiagnosticAssert.ReportsDespiteCompilerErrors(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Kid(int n)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x) => {|LG0003:x.Foo()|} * w;
            }

            [Layer]
            public partial class Parent(int n)
            {
                Kid kid = new Kid(n);

                Tensor Forward(Tensor x) => {|LG0005:kid.Call(x)|};
            }
            """,
            "LayerGen cannot compile 'x.Foo()' in the forward definition of 'Kid': 'Foo' is not an op LayerGen can compile (see docs/ops.md)",
            "Shape mismatch in 'kid.Call(x)': child layer 'kid' (Demo.Kid) does not compile (see its own errors), so its shapes are unknown; this layer is checked once it does");
    }

    [Fact]
    public void LG0004_a_parameter_of_unknown_shape_used_in_Forward_gets_no_second_diagnostic()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Made
            {
                [Parameter] Tensor weight = {|LG0004:Make()|};

                static Tensor Make() => Tensor.Randn(4, 8);

                Tensor Forward(Tensor x) => x.MatMul(weight);
            }
            """,
            "The shape of parameter 'weight' cannot be determined from its initialiser: expected a call such as 'Tensor.Randn(inUnits, units)'");
    }

    [Fact]
    public void LG0005_a_bias_that_does_not_broadcast_against_the_product()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Affine
            {
                [Parameter] Tensor weight = Tensor.Randn(4, 8);
                [Parameter] Tensor bias = Tensor.Randn(7);

                Tensor Forward(Tensor x) => Ops.Relu({|LG0005:x.MatMul(weight) + bias|});
            }
            """,
            "Shape mismatch in 'x.MatMul(weight) + bias': [*, 8] and [7] cannot be broadcast together (dimension -1: 8 vs 7)");
    }

    [Fact]
    public void LG0005_symbolic_sizes_that_differ_are_named()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class MyLinear(int inUnits, int units)
            {
                [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
                [Parameter] Tensor bias = Tensor.Randn(inUnits);

                Tensor Forward(Tensor x) => Ops.Relu({|LG0005:x.MatMul(weight) + bias|});
            }
            """,
            "Shape mismatch in 'x.MatMul(weight) + bias': [*, units] and [inUnits] cannot be broadcast together (dimension -1: units vs inUnits)");
    }

    [Fact]
    public void LG0005_stacked_weights_whose_inner_dimensions_differ()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class TwoStep
            {
                [Parameter] Tensor first = Tensor.Randn(4, 8);
                [Parameter] Tensor second = Tensor.Randn(5, 3);

                Tensor Forward(Tensor x) => {|LG0005:x.MatMul(first).MatMul(second)|};
            }
            """,
            "Shape mismatch in 'x.MatMul(first).MatMul(second)': inner dimensions differ: [*, 8] × [5, 3] (8 vs 5)");
    }

    [Fact]
    public void LG0005_a_product_of_two_parameters_whose_inner_dimensions_differ()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class LowRank
            {
                [Parameter] Tensor u = Tensor.Randn(16, 4);
                [Parameter] Tensor v = Tensor.Randn(5, 8);

                Tensor Forward(Tensor x) => x.MatMul({|LG0005:u.MatMul(v)|});
            }
            """,
            "Shape mismatch in 'u.MatMul(v)': inner dimensions differ: [16, 4] × [5, 8] (4 vs 5)");
    }

    [Fact]
    public void LG0005_a_forward_that_returns_a_scalar()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Total
            {
                Tensor Forward(Tensor x) => {|LG0005:x.Sum()|};
            }
            """,
            "Shape mismatch in 'x.Sum()': the result has shape [], without the batch dimension; a layer must return one row per input row");
    }

    [Fact]
    public void LG0005_an_axis_out_of_range()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scaled
            {
                [Parameter] Tensor scale = Tensor.Ones(4);

                Tensor Forward(Tensor x) => {|LG0005:(x * scale).Sum(3, true)|};
            }
            """,
            "Shape mismatch in '(x * scale).Sum(3, true)': axis 3 is out of range for a tensor of shape [*, 4]");
    }

    /// <summary>
    /// PyTorch infers at most one size of a reshape, and so does the eager <c>Reshape</c>; the generated
    /// kernel could infer a second one from the batch's -1, but then <c>CallEager</c> would throw where
    /// <c>Call</c> runs. The hint writes the size the second -1 stands for.
    /// </summary>
    [Theory]
    [InlineData("Reshape")]
    [InlineData("View")]
    public void LG0005_a_reshape_of_a_batched_tensor_that_infers_a_second_size(string op)
    {
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, 3, 4]")]
            public partial class Pairs
            {
                Tensor Forward(Tensor x) => {|LG0005:x.{{op}}(-1, -1, 2)|};
            }
            """,
            $"Shape mismatch in 'x.{op}(-1, -1, 2)': only one size can be inferred, as in PyTorch, and on [*, 3, 4] that is the batch's (the first -1): write the others, e.g. {op}(-1, 6, 2)");
    }

    [Fact]
    public void LG0005_a_reshape_of_a_parameter_that_infers_two_sizes()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Flat
            {
                [Parameter] Tensor weight = Tensor.Randn(3, 4);

                Tensor Forward(Tensor x) => x * {|LG0005:weight.Reshape(-1, -1)|}.Sum(0);
            }
            """,
            "Shape mismatch in 'weight.Reshape(-1, -1)': only one size can be inferred, as in PyTorch: write the others");
    }
}
