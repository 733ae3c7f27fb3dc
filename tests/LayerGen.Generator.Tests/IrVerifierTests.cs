using System;
using LayerGen.Generator.Autodiff;
using LayerGen.Generator.Ir;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// The IR verifier (<see cref="GraphVerifier"/>, and autodiff's own checks when verifying) fails loudly on a broken
/// rule: each test injects one — a node whose shape its op's rule does not derive, an argument after its user, a
/// vector-Jacobian product that forgets an argument or gives it the wrong shape — and a sound graph passes. The
/// generator harness and the runtime test build run every layer with verification on (<c>LayerGenVerifyIr</c>).
/// </summary>
public sealed class IrVerifierTests
{
    private static readonly Shape RowsBy3 = Shape.Of(Dim.Rows, Dim.Const(3));

    [Fact]
    public void A_sound_graph_and_its_gradient_pass()
    {
        var (graph, x) = WithInput();
        graph.Outputs.Add(graph.Add(Elementwise.Tanh, RowsBy3, x));
        GraphVerifier.Check(graph, "graph building");

        ReverseMode.Differentiate(graph, verify: true);
        GraphVerifier.Check(graph, "autodiff");
        Assert.True(graph.InputGrad >= 0);
    }

    [Fact]
    public void A_node_whose_shape_its_rule_does_not_derive_fails()
    {
        var (graph, x) = WithInput();
        graph.Outputs.Add(graph.Add(Elementwise.Tanh, Shape.Of(Dim.Rows, Dim.Const(4)), x));

        var e = Assert.Throws<IrVerificationException>(() => GraphVerifier.Check(graph, "graph building"));
        Assert.Contains("Tanh", e.Message, StringComparison.Ordinal);
        Assert.Contains("should be", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broadcast_of_shapes_that_do_not_fit_fails()
    {
        var (graph, x) = WithInput();
        int p = graph.Add(new Node(0, Op.Parameter, Array.Empty<int>(), Shape.Of(Dim.Const(4))) { Name = "p" });
        graph.Parameters.Add(new("p", p));
        graph.Outputs.Add(graph.Add(Elementwise.Add, RowsBy3, x, p));

        var e = Assert.Throws<IrVerificationException>(() => GraphVerifier.Check(graph, "graph building"));
        Assert.Contains("cannot be broadcast", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_argument_that_comes_after_its_user_fails()
    {
        var (graph, x) = WithInput();
        graph.Outputs.Add(graph.Add(new Node(0, Op.Elementwise, new[] { x, 7 }, RowsBy3) { Function = Elementwise.Mul }));

        var e = Assert.Throws<IrVerificationException>(() => GraphVerifier.Check(graph, "graph building"));
        Assert.Contains("does not come before it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_structural_op_with_the_wrong_shape_fails()
    {
        var (graph, x) = WithInput();
        int w = graph.Add(new Node(0, Op.Parameter, Array.Empty<int>(), Shape.Of(Dim.Const(3), Dim.Const(2))) { Name = "w" });
        graph.Parameters.Add(new("w", w));
        graph.Outputs.Add(graph.Add(Op.MatMul, Shape.Of(Dim.Rows, Dim.Const(3)), x, w));

        var e = Assert.Throws<IrVerificationException>(() => GraphVerifier.Check(graph, "graph building"));
        Assert.Contains("MatMul", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vjp_that_forgets_an_argument_fails_in_autodiff()
    {
        var forgets = new Elementwise("ForgetsItsGradient", 1, d => { });
        var (graph, x) = WithInput();
        graph.Outputs.Add(graph.Add(forgets, RowsBy3, x));
        GraphVerifier.Check(graph, "graph building");

        var e = Assert.Throws<IrVerificationException>(() => ReverseMode.Differentiate(graph, verify: true));
        Assert.Contains("gave argument 0 no gradient", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vjp_that_gives_the_wrong_shape_fails_in_autodiff()
    {
        var scalar = new Elementwise("ScalarGradient", 1, d => d.Gradient(0, d.Constant(1)));
        var (graph, x) = WithInput();
        graph.Outputs.Add(graph.Add(scalar, RowsBy3, x));

        var e = Assert.Throws<IrVerificationException>(() => ReverseMode.Differentiate(graph, verify: true));
        Assert.Contains("should have the argument's shape", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vjp_that_builds_a_misshapen_node_fails_after_autodiff()
    {
        // The contribution has the right shape, but a node on the way does not derive from its arguments.
        var misshapen = new Elementwise("MisshapenGradient", 1, d => d.Gradient(0, d.Mul(d.G, d.Structural(Op.Reshape, d.X, d.Constant(2)))));
        var (graph, x) = WithInput();
        graph.Outputs.Add(graph.Add(misshapen, RowsBy3, x));
        ReverseMode.Differentiate(graph, verify: true);

        var e = Assert.Throws<IrVerificationException>(() => GraphVerifier.Check(graph, "autodiff"));
        Assert.Contains("Reshape", e.Message, StringComparison.Ordinal);
    }

    private static (Graph Graph, int X) WithInput()
    {
        var graph = new Graph();
        int x = graph.Add(new Node(0, Op.Input, Array.Empty<int>(), RowsBy3) { Name = "x" });
        graph.Inputs.Add(x);
        return (graph, x);
    }
}
