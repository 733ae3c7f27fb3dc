using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused once a forward's control flow is resolved at compile time (issue 16): loops whose trip count
/// only a run-time value knows, loop bounds that are sizes without one constant value, indices outside an array,
/// elements never assigned, and loops too long to unroll. Each is LG0003 on the exact syntax at fault.
/// </summary>
public sealed class ControlFlowDiagnosticTests
{
    [Fact]
    public void LG0003_a_while_loop_with_a_data_dependent_condition_is_reported_on_its_condition()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class UntilSmall
            {
                Tensor Forward(Tensor x)
                {
                    var h = x;
                    while ({|LG0003:h.Sum().Item() > 1f|})
                    {
                        h = h * 0.5f;
                    }

                    return h;
                }
            }
            """,
            "LayerGen cannot compile 'h.Sum().Item() > 1f' in the forward definition of 'UntilSmall': a while loop runs until a value known only at run time says stop, and LayerGen resolves a forward's control flow at compile time; write a 'for' loop whose bound is a constant or a size of the layer");
    }

    [Fact]
    public void LG0003_a_for_loop_bounded_by_a_run_time_value_is_reported_on_the_bound()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class PerRow
            {
                Tensor Forward(Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < {|LG0003:x.Size(0)|}; i++)
                    {
                        h = h + x;
                    }

                    return h;
                }
            }
            """,
            "LayerGen cannot compile 'x.Size(0)' in the forward definition of 'PerRow': a loop's bound must be a constant or computed from the layer's int sizes (known at compile time); a bound computed from tensor values would need a loop at run time");
    }

    [Fact]
    public void LG0003_a_loop_over_a_size_the_layer_is_only_constructed_with_at_run_time_is_reported_on_the_bound()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Repeat(int times)
            {
                Tensor Forward(Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < {|LG0003:times|}; i++)
                    {
                        h = Ops.Tanh(h);
                    }

                    return h;
                }
            }
            """,
            "LayerGen cannot compile 'times' in the forward definition of 'Repeat': the loop's bound must be known at compile time, since LayerGen unrolls the forward's control flow: 'times' is a size known only at run time (no construction of Repeat with a constant times was found); construct it with a constant, e.g. 'new Repeat(...)' with times written as a number");
    }

    [Fact]
    public void LG0003_a_loop_over_a_size_constructed_with_two_values_is_reported_on_the_bound()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Repeat(int times)
            {
                Tensor Forward(Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < {|LG0003:times + 1|}; i++)
                    {
                        h = Ops.Tanh(h);
                    }

                    return h;
                }
            }

            public static class Use
            {
                public static Repeat Short() => new Repeat(2);

                public static Repeat Long() => new Repeat(8);
            }
            """,
            "LayerGen cannot compile '(times + 1)' in the forward definition of 'Repeat': the loop's bound must be known at compile time, since LayerGen unrolls the forward's control flow: Repeat is constructed with times = 2 and 8, and a forward is unrolled for one value of a size in a compilation");
    }

    [Fact]
    public void LG0003_an_index_outside_an_array_of_tensors_is_reported_on_the_index()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Shifted
            {
                Tensor Forward(Tensor x)
                {
                    var outs = new Tensor[3];
                    for (int t = 0; t < 3; t++)
                    {
                        outs[{|LG0003:t + 1|}] = x * t;
                    }

                    return Ops.Concat(1, outs);
                }
            }
            """,
            "LayerGen cannot compile '(t + 1)' in the forward definition of 'Shifted': index 3 is outside 'outs', which has 3 elements");
    }

    [Fact]
    public void LG0003_an_array_passed_to_concat_with_an_element_never_assigned_is_reported_on_the_array()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Gappy
            {
                Tensor Forward(Tensor x)
                {
                    var outs = new Tensor[4];
                    for (int t = 0; t < 4; t += 2)
                    {
                        outs[t] = x * t;
                    }

                    return Ops.Concat(1, {|LG0003:outs|});
                }
            }
            """,
            "LayerGen cannot compile 'outs' in the forward definition of 'Gappy': element 1 of 'outs' is never assigned (4 elements)");
    }

    [Fact]
    public void LG0003_a_loop_variable_assigned_in_the_body_is_reported_on_the_assignment()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Skipping
            {
                Tensor Forward(Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < 4; i++)
                    {
                        h = h + x;
                        {|LG0003:i++|};
                    }

                    return h;
                }
            }
            """,
            "LayerGen cannot compile 'i++' in the forward definition of 'Skipping': a loop variable is set by its 'for' header only; the loop is unrolled from it");
    }

    [Fact]
    public void LG0003_a_loop_too_long_to_unroll_is_reported_on_the_bound()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Deep
            {
                Tensor Forward(Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < {|LG0003:100000|}; i++)
                    {
                        h = Ops.Tanh(h);
                    }

                    return h;
                }
            }
            """,
            "LayerGen cannot compile '100000' in the forward definition of 'Deep': the loop runs 100000 times, more than the 4096 that LayerGen unrolls");
    }

    [Fact]
    public void LG0003_a_statement_a_forward_cannot_hold_is_reported_on_it_with_everything_a_forward_body_may_contain()
    {
        // The catch-all message lists what a body may hold: tuples and switch included, which it once omitted.
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Chatty
            {
                Tensor Forward(Tensor x)
                {
                    {|LG0003:System.Console.WriteLine("forward");|}
                    return x;
                }
            }
            """,
            "LayerGen cannot compile 'System.Console.WriteLine(\"forward\");' in the forward definition of 'Chatty': a forward body may declare and reassign locals "
            + "(also several at once as a tuple, 'var (a, b) = ...;'), fill arrays of tensors, loop with 'for' over a constant range, branch with 'if' or 'switch' "
            + "on a condition known at compile time or on Training, and return an expression or a tuple of them; other statements cannot be resolved at compile time");
    }
}
