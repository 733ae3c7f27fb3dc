using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// Diagnostics on the forward definition: LG0003 on the one expression or statement LayerGen cannot
/// compile (not on the whole method), LG0006 on the name of a Forward whose signature or body shape
/// is unsupported.
/// </summary>
public sealed class ForwardDiagnosticTests
{
    [Fact]
    public void LG0003_a_tensor_method_outside_the_op_set_is_reported_on_that_call()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Frozen
            {
                Tensor Forward(Tensor x) => Ops.Relu({|LG0003:x.AsParameter()|});
            }
            """,
            "LayerGen cannot compile 'x.AsParameter()' in the forward definition of 'Frozen': 'AsParameter' is not an op LayerGen can compile (see docs/ops.md)");
    }

    [Fact]
    public void LG0003_a_method_that_does_not_exist_is_still_explained()
    {
        DiagnosticAssert.ReportsDespiteCompilerErrors(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Typo
            {
                Tensor Forward(Tensor x) => {|LG0003:x.Foo()|};
            }
            """,
            "LayerGen cannot compile 'x.Foo()' in the forward definition of 'Typo': 'Foo' is not an op LayerGen can compile (see docs/ops.md)");
    }

    [Fact]
    public void LG0003_a_static_helper_of_another_class()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            public static class Helper
            {
                public static Tensor Twice(Tensor t) => t * 2f;
            }

            [Layer]
            public partial class Helped
            {
                Tensor Forward(Tensor x) => {|LG0003:Helper.Twice(x)|} + x;
            }
            """,
            "LayerGen cannot compile 'Helper.Twice(x)' in the forward definition of 'Helped': 'Twice' is not an op LayerGen can compile (see docs/ops.md)");
    }

    [Fact]
    public void LG0003_a_call_of_another_class_s_method()
    {
        // The layer's own helpers are inlined (HelperInliningEmissionTests); another class's methods are not seen through.
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            public static class Util
            {
                public static Tensor Twice(Tensor t) => t * 2f;
            }

            [Layer]
            public partial class Helped
            {
                Tensor Forward(Tensor x) => Ops.Tanh({|LG0003:Util.Twice(x)|});
            }
            """,
            "LayerGen cannot compile 'Util.Twice(x)' in the forward definition of 'Helped': 'Twice' is not an op LayerGen can compile (see docs/ops.md)");
    }

    [Fact]
    public void LG0003_a_tensor_field_whose_shape_cannot_be_read()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            public static class Util
            {
                public static Tensor Scale() => Tensor.From(1f, 2f, 3f, 4f);
            }

            [Layer]
            public partial class Scaled
            {
                Tensor scale = Util.Scale();

                Tensor Forward(Tensor x) => x * {|LG0003:scale|};
            }
            """,
            "LayerGen cannot compile 'scale' in the forward definition of 'Scaled': only the input, locals declared above, [Parameter] and [Buffer] members, tensor fields whose shape can be read from their initialiser (e.g. 'Tensor.Zeros(n)') and constants can be used");
    }

    [Fact]
    public void LG0003_an_axis_that_is_not_a_constant()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Centered
            {
                int axis = 1;

                Tensor Forward(Tensor x) => x - x.Mean({|LG0003:axis|}, true);
            }
            """,
            "LayerGen cannot compile 'axis' in the forward definition of 'Centered': this argument must be a compile-time constant (an axis, a size, a flag, an exponent or an equation)");
    }

    [Fact]
    public void LG0003_an_if_on_a_run_time_size_is_reported_on_that_size()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Branchy
            {
                Tensor Forward(Tensor x)
                {
                    var h = x;
                    if ({|LG0003:h.Size(0)|} > 1) h = Ops.Relu(h);
                    return h;
                }
            }
            """,
            "LayerGen cannot compile 'h.Size(0)' in the forward definition of 'Branchy': a condition resolved at compile time compares integers computed from constants, loop variables and the layer's int sizes");
    }

    [Fact]
    public void LG0003_a_transpose_outside_MatMul()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Flipped
            {
                Tensor Forward(Tensor x) => Ops.Relu({|LG0003:x.T|});
            }
            """,
            "LayerGen cannot compile 'x.T' in the forward definition of 'Flipped': .T transposes a matrix such as a parameter; [*] holds the batch, whose axis must stay first (use Transpose(1, 2) on [*, m, n])");
    }

    [Theory]
    [InlineData("int {|LG0006:Forward|}(Tensor x) => x.Size(0);")]
    [InlineData("Tensor {|LG0006:Forward|}(int n) => Tensor.Zeros(n);")]
    public void LG0006_a_Forward_that_does_not_take_and_return_a_Tensor(string forward)
    {
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Counter
            {
                {{forward}}
            }
            """,
            "The forward definition of 'Counter' is not supported: it must take tensors and return one: 'Tensor Forward(Tensor x)', or 'Tensor Forward(Tensor x, Tensor y)' for several inputs, or '(Tensor, Tensor) Forward(...)' for several outputs");
    }

    [Fact]
    public void LG0006_a_block_body_without_a_return()
    {
        DiagnosticAssert.ReportsDespiteCompilerErrors(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Unfinished
            {
                Tensor {|LG0006:Forward|}(Tensor x)
                {
                    var h = Ops.Relu(x);
                }
            }
            """,
            "The forward definition of 'Unfinished' is not supported: it has no return statement");
    }
}
