using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused about sizes as op arguments (issue 16): an axis from a size parameter (LG0003 on the argument),
/// a part of a size that is not one (LG0003 on that part), and sizes that provably do not fit (LG0005 on the call).
/// What only the constructor's arguments decide (<c>d % heads</c>) is not a diagnostic but a check when the layer is
/// constructed (tests/LayerGen.Tests/Layers/SizeExpressionTests.cs).
/// </summary>
public sealed class SizeExpressionDiagnosticTests
{
    [Fact]
    public void LG0003_an_axis_from_a_size_parameter_is_reported_on_the_argument()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n, m]")]
            public partial class SumAlong(int n, int m, int axis)
            {
                Tensor Forward(Tensor x) => x.Sum({|LG0003:axis|});
            }
            """,
            "LayerGen cannot compile 'axis' in the forward definition of 'SumAlong': an axis of 'Sum' must be a compile-time constant: it chooses "
            + "the kernel's loops (sizes of the layer's parameters can stand where a size goes: Reshape's sizes, Narrow's and Slice's bounds)");
    }

    [Fact]
    public void LG0003_a_permutation_from_size_parameters_is_reported_on_the_first_axis_that_is_not_a_constant()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n, m]")]
            public partial class Swap(int n, int m, int first)
            {
                Tensor Forward(Tensor x) => x.Permute(0, {|LG0003:first + 1|}, 1);
            }
            """,
            "LayerGen cannot compile 'first + 1' in the forward definition of 'Swap': an axis of 'Permute' must be a compile-time constant: it chooses "
            + "the kernel's loops (sizes of the layer's parameters can stand where a size goes: Reshape's sizes, Narrow's and Slice's bounds)");
    }

    [Fact]
    public void LG0003_a_part_of_a_size_that_is_not_a_size_parameter_is_reported_on_that_part()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, steps, d]")]
            public partial class Flatten(int steps, int d)
            {
                int Width => d;

                Tensor Forward(Tensor x) => x.Reshape(-1, steps * {|LG0003:Width|});
            }
            """,
            "LayerGen cannot compile 'Width' in the forward definition of 'Flatten': a size must be an int constant, one of the layer's int "
            + "primary-constructor parameters, or computed from them with + - * / % and parentheses");
    }

    [Fact]
    public void LG0005_a_reshape_whose_element_count_provably_differs()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, steps, d]")]
            public partial class Flatten(int steps, int d)
            {
                Tensor Forward(Tensor x) => {|LG0005:x.Reshape(-1, steps * d + 1)|};
            }
            """,
            "Shape mismatch in 'x.Reshape(-1, steps * d + 1)': cannot reshape [*, steps, d] to (-1, d * steps + 1): the element counts differ");
    }

    [Fact]
    public void LG0005_a_narrow_that_provably_ends_after_its_axis()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n]")]
            public partial class Tail(int n)
            {
                Tensor Forward(Tensor x) => {|LG0005:x.Narrow(-1, n - 1, 2)|};
            }
            """,
            "Shape mismatch in 'x.Narrow(-1, n - 1, 2)': [n - 1, n + 1) of axis -1 of [*, n] ends after the axis");
    }

    [Fact]
    public void LG0004_a_parameter_size_computed_from_something_that_is_not_a_size()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Wide(int inUnits)
            {
                static int Width => 8;

                [Parameter] Tensor weight = {|LG0004:Tensor.Randn(inUnits + Width, inUnits)|};

                Tensor Forward(Tensor x) => x.MatMul(weight);
            }
            """,
            "The shape of parameter 'weight' cannot be determined from its initialiser: size 'inUnits + Width' is not computed from constants and the layer's size parameters with + - * / %");
    }

    [Fact]
    public void LG0004_a_parameter_size_that_is_a_constant_below_one()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Empty(int n)
            {
                [Parameter] Tensor weight = {|LG0004:Tensor.Randn(n - n, n)|};

                Tensor Forward(Tensor x) => x;
            }
            """,
            "The shape of parameter 'weight' cannot be determined from its initialiser: size 'n - n' is 0; a parameter's sizes must be positive");
    }

    [Fact]
    public void A_declared_input_with_a_name_that_is_not_a_size_is_refused_on_the_attribute()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [{|LG0007:Layer(Input = "[*, n + hidden]")|}]
            public partial class Joined(int n)
            {
                Tensor Forward(Tensor x) => x;
            }
            """,
            "The [Layer] class 'Joined' is not supported: Input = \"[*, n + hidden]\" must be '*' (the batch) followed by positive constants, "
            + "int primary-constructor parameters or sizes computed from them with + - * / %, e.g. \"[*, n]\" or \"[*, n + m]\" (one such shape per input, separated by ';')");
    }

    [Fact]
    public void LG0005_a_constant_construction_that_breaks_a_construction_time_check_is_reported_on_the_op()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, steps, d]")]
            public partial class Heads(int steps, int d, int heads)
            {
                Tensor Forward(Tensor x) => {|LG0005:x.Reshape(-1, steps, heads, d / heads)|}.Sum(-1);
            }

            public static class Use
            {
                public static Heads Fine() => new Heads(2, 8, 4);

                public static Heads Broken() => new Heads(2, 9, 2);
            }
            """,
            "Shape mismatch in 'x.Reshape(-1, steps, heads, d / heads)': it needs heads * steps * (d / heads) == d * steps (the element count is kept; "
            + "d must be a multiple of heads), which the construction Heads(steps: 2, d: 9, heads: 2) in this compilation breaks: 16 against 18");
    }
}
