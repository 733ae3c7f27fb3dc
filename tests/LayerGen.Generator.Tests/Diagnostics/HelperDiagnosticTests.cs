using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// What stays refused of helpers and branches resolved at compile time (issue 16): recursion (a helper is inlined, so
/// its depth must be finite when read), branches on a value known only when the layer runs — a
/// tensor's value —, a return inside a branch on a bool hyperparameter, and helpers of unsupported types. Each is LG0003 on the exact syntax at fault.
/// </summary>
public sealed class HelperDiagnosticTests
{
    [Fact]
    public void LG0003_a_helper_that_calls_itself_is_reported_on_the_recursive_call()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Recursive
            {
                Tensor Forward(Tensor x) => Repeat(x, 3);

                Tensor Repeat(Tensor h, int times) => times == 0 ? h : {|LG0003:Repeat(Ops.Tanh(h), times - 1)|};
            }
            """,
            "LayerGen cannot compile 'Repeat(Ops.Tanh(h), times - 1)' in the forward definition of 'Recursive': 'Repeat' calls itself (directly or through another helper); a helper is inlined at compile time, so its recursion would never end — write the repetition as a 'for' loop");
    }

    [Fact]
    public void LG0003_helpers_that_call_each_other_are_reported_on_the_call_that_closes_the_cycle()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class PingPong
            {
                Tensor Forward(Tensor x) => Ping(x);

                Tensor Ping(Tensor h) => Pong(Ops.Tanh(h));

                Tensor Pong(Tensor h) => {|LG0003:Ping(h * 0.5f)|};
            }
            """,
            "LayerGen cannot compile 'Ping(h * 0.5f)' in the forward definition of 'PingPong': 'Ping' calls itself (directly or through another helper); a helper is inlined at compile time, so its recursion would never end — write the repetition as a 'for' loop");
    }

    [Fact]
    public void A_return_inside_a_branch_on_a_bool_hyperparameter_or_the_mode_compiles()
    {
        // Both paths are built, each running on to its return, and the results selected when the kernels run
        // (RunTimeBranchTests checks the values); the harness runs both layers against their eager paths.
        GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class MaybeBias(int n, bool useBias)
            {
                [Parameter] Tensor w = Tensor.Randn(n, n);
                [Parameter] Tensor b = Tensor.Randn(n);

                Tensor Forward(Tensor x)
                {
                    var h = x.MatMul(w);
                    if (!useBias)
                    {
                        return h;
                    }

                    return h + b;
                }
            }

            [Layer]
            public partial class HalvedInTraining
            {
                Tensor Forward(Tensor x)
                {
                    if (Training)
                    {
                        return x * 0.5f;
                    }

                    return x;
                }
            }
            """).AssertClean();
    }

    [Fact]
    public void LG0003_a_return_inside_a_branch_on_a_hyperparameter_within_a_loop_is_reported_on_the_condition()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class StopsEarly(int n, bool stop)
            {
                [Parameter] Tensor w = Tensor.Randn(n, n);

                Tensor Forward(Tensor x)
                {
                    var h = x;
                    for (int t = 0; t < 3; t++)
                    {
                        h = Ops.Tanh(h.MatMul(w));
                        if ({|LG0003:stop|})
                        {
                            return h;
                        }
                    }

                    return h;
                }
            }
            """,
            "LayerGen cannot compile 'stop' in the forward definition of 'StopsEarly': a return inside a branch on a hyperparameter or on Training within a loop is not supported yet: the loop is unrolled and the branch's both paths would run every later step; assign the result to a local and return it after the loop");
    }

    [Fact]
    public void LG0003_a_branch_on_a_tensor_value_is_reported_on_the_part_that_is_not_known_at_compile_time()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class DataDependent
            {
                Tensor Forward(Tensor x)
                {
                    if ({|LG0003:x.Sum().Item()|} > 0f)
                    {
                        return x;
                    }

                    return -x;
                }
            }
            """,
            "LayerGen cannot compile 'x.Sum().Item()' in the forward definition of 'DataDependent': a condition resolved at compile time compares integers computed from constants, loop variables and the layer's int sizes");
    }

    [Fact]
    public void LG0003_a_helper_taking_a_float_is_reported_on_the_call()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scaled
            {
                Tensor Forward(Tensor x) => {|LG0003:Scale(x, 0.5f)|};

                Tensor Scale(Tensor h, float by) => h * by;
            }
            """,
            "LayerGen cannot compile 'Scale(x, 0.5f)' in the forward definition of 'Scaled': a helper called in a forward definition takes tensors and ints by value; its parameter 'by' is float");
    }
}
