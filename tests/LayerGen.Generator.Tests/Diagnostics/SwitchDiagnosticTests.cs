using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused of <c>switch</c> in a forward (issue 16): a switch on a hyperparameter that some value falls through
/// (C# would throw when the layer runs; on the switched expression), a switch on a size whose value no arm matches (on the
/// switch), a pattern that is not a constant (on the pattern), and a <c>break</c> that does not end its section. Each is
/// LG0003 on the exact syntax at fault.
/// </summary>
public sealed class SwitchDiagnosticTests
{
    [Fact]
    public void LG0003_a_switch_on_an_enum_hyperparameter_that_some_member_falls_through()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            public enum Mode { Add, Scale, Skip }

            [Layer]
            public partial class Picky(int n, Mode mode)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

            #pragma warning disable CS8509
                Tensor Forward(Tensor x) => {|LG0003:mode|} switch { Mode.Add => x + w, Mode.Scale => x * w };
            #pragma warning restore CS8509
            }
            """,
            "LayerGen cannot compile 'mode' in the forward definition of 'Picky': no arm matches some values of 'mode', for which C# would throw when the layer runs; end the switch with '_ => ...'");
    }

    [Fact]
    public void LG0003_a_switch_on_a_size_whose_value_no_arm_matches()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n]")]
            public partial class Heads(int n, int heads)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

            #pragma warning disable CS8509
                Tensor Forward(Tensor x) => {|LG0003:heads switch { 1 => x * w, 2 => x + w }|};
            #pragma warning restore CS8509
            }

            public static class Build
            {
                public static Heads Three() => new Heads(4, 3);
            }
            """,
            "LayerGen cannot compile 'heads switch { 1 => x * w, 2 => x + w }' in the forward definition of 'Heads': no arm of the switch matches 'heads' = 3; add an arm for it or end the switch with '_ => ...'");
    }

    [Fact]
    public void LG0003_a_type_pattern_in_a_switch_arm()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Typed(int n, bool flag)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x) => flag switch { {|LG0003:bool b|} => x * w };
            }
            """,
            "LayerGen cannot compile 'bool b' in the forward definition of 'Typed': an arm of a switch in a forward matches constants ('Nonlinearity.Relu', 'true', '1'), '_', relational patterns on an integer ('< 4'), or these joined with 'and', 'or', 'not'");
    }

    [Fact]
    public void LG0003_a_break_inside_a_switch_section()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Broken(int n, bool flag)
            {
                [Parameter] Tensor w = Tensor.Randn(n);

                Tensor Forward(Tensor x)
                {
                    var h = x;
                    switch (flag)
                    {
                        case true:
                            if (n > 2)
                            {
                                {|LG0003:break;|}
                            }

                            h = h * w;
                            break;
                    }

                    return h;
                }
            }
            """,
            "LayerGen cannot compile 'break;' in the forward definition of 'Broken': a switch section ends with 'break;' or a return; a 'break' elsewhere in it would need control flow LayerGen does not resolve: use 'if'/'else' inside the section");
    }
}
