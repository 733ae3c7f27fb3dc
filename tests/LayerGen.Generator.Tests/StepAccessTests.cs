using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Autodiff;
using LayerGen.Generator.Emit;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Lowering records what each step reads and writes (Lowering/StepAccess.cs); the workspace a kernel declares and
/// whether gradients may go straight into parameters are decided from that record, not from emitted text. Test
/// builds check every emitted kernel's text against the record (Emit/EmittedAccessCheck.cs); these tests show the
/// decisions on small graphs and that the check fails when text and record disagree.
/// </summary>
public sealed class StepAccessTests
{
    private static readonly Shape RowsBy3 = Shape.Of(Dim.Rows, Dim.Const(3));
    private static readonly Shape ThreeBy3 = Shape.Of(Dim.Const(3), Dim.Const(3));

    [Fact]
    public void A_step_that_reads_a_parameter_while_writing_its_gradient_keeps_gradients_out_of_parameters()
    {
        // y = x + s·s: the step writing s's gradient (2·s·Σ dy) reads s.
        var squared = Lower(graph =>
        {
            var (x, _) = InputAndWeight(graph, withWeight: false);
            int s = graph.Add(new Node(0, Op.Parameter, Array.Empty<int>(), Shape.Of(Dim.Const(3))) { Name = "s" });
            graph.Parameters.Add(new("s", s));
            return graph.Add(Elementwise.Add, RowsBy3, x, graph.Add(Elementwise.Mul, Shape.Of(Dim.Const(3)), s, s));
        });
        var shift = squared.ParameterBuffers.Single();
        var shiftGrad = squared.ParameterGradBuffers.Single();
        var steps = squared.BackwardSteps;
        int lastRead = steps.FindLastIndex(st => StepAccess.ReadBuffers(squared, st).Contains(shift));
        int firstWrite = steps.FindIndex(st => StepAccess.Writes(squared, st).Any(w => w.Target == shiftGrad));
        Assert.True(firstWrite >= 0 && lastRead >= firstWrite, $"reads of s up to step {lastRead}, its gradient first written at {firstWrite}");
        Assert.False(ParameterWriteOrder.GradientsMayGoIntoParameters(squared));

        // y = x·w·w: the input's gradient reads w twice; the lowering orders both reads before w's gradient is written.
        var twice = Lower(graph =>
        {
            var (x, w) = InputAndWeight(graph);
            return graph.Add(new Node(0, Op.MatMul, new[] { graph.Add(new Node(0, Op.MatMul, new[] { x, w }, RowsBy3)), w }, RowsBy3));
        });
        Assert.True(ParameterWriteOrder.GradientsMayGoIntoParameters(twice));
    }

    [Fact]
    public void The_forward_declares_only_the_workspace_its_own_steps_touch()
    {
        var plan = Lower(graph =>
        {
            var (x, w) = InputAndWeight(graph);
            int h = graph.Add(Elementwise.Tanh, RowsBy3, graph.Add(new Node(0, Op.MatMul, new[] { x, w }, RowsBy3)));
            graph.Statements.Add(new ForwardStatement("h", h, "Ops.Tanh(x.MatMul(w))"));
            return graph.Add(Elementwise.Mul, RowsBy3, h, h);
        });

        var forward = plan.WorkspaceTouchedBy(plan.ForwardSteps);
        var backward = plan.WorkspaceTouchedBy(plan.BackwardSteps);
        Assert.Contains(forward, b => b.Name == "h");
        Assert.DoesNotContain(forward, b => b.Name.EndsWith("Grad", StringComparison.Ordinal)); // gradients live only in the backward
        Assert.Contains(backward, b => b.Name == "h"); // the backward reads the saved value
        Assert.Equal(plan.Workspace.Where(forward.Contains), forward); // in layout order
    }

    [Fact]
    public void Emitted_text_naming_a_buffer_the_record_does_not_is_an_error()
    {
        var plan = Lower(graph =>
        {
            var (x, w) = InputAndWeight(graph);
            int h = graph.Add(Elementwise.Tanh, RowsBy3, graph.Add(new Node(0, Op.MatMul, new[] { x, w }, RowsBy3)));
            graph.Statements.Add(new ForwardStatement("h", h, "Ops.Tanh(x.MatMul(w))"));
            return graph.Add(Elementwise.Mul, RowsBy3, h, h);
        });
        var declared = plan.WorkspaceTouchedBy(plan.ForwardSteps);
        string gradient = plan.Workspace.First(b => !declared.Contains(b)).Name;

        EmittedAccessCheck.Check(plan, "Test", "h[i] = 1f; // " + gradient + " in a comment is no use", declared, null);
        var error = Assert.Throws<IrVerificationException>(() => EmittedAccessCheck.Check(plan, "Test", $"{gradient}[i] = h[i];", declared, null));
        Assert.Contains(gradient, error.Message, StringComparison.Ordinal);

        // The backward-into-parameters decision: a step text reading w after w's gradient contradicts a plan that allows it.
        var once = Lower(graph =>
        {
            var (x, w) = InputAndWeight(graph);
            return graph.Add(Elementwise.Relu, RowsBy3, graph.Add(new Node(0, Op.MatMul, new[] { x, w }, RowsBy3)));
        });
        string weight = once.ParameterBuffers.Single().Name;
        string weightGrad = once.ParameterGradBuffers.Single().Name;
        EmittedAccessCheck.Check(once, "Test", string.Empty, new List<LayerGen.Generator.Lowering.Buffer>(), new[] { $"a = {weight}[0];", $"{weightGrad}[0] += 1f;" });
        Assert.Throws<IrVerificationException>(() =>
            EmittedAccessCheck.Check(once, "Test", string.Empty, new List<LayerGen.Generator.Lowering.Buffer>(), new[] { $"{weightGrad}[0] += 1f;", $"a = {weight}[0];" }));
    }

    private static (int X, int W) InputAndWeight(Graph graph, bool withWeight = true)
    {
        graph.Inputs.Add(graph.Add(new Node(0, Op.Input, Array.Empty<int>(), RowsBy3) { Name = "x" }));
        if (!withWeight)
        {
            return (graph.Input, -1);
        }

        int w = graph.Add(new Node(0, Op.Parameter, Array.Empty<int>(), ThreeBy3) { Name = "w" });
        graph.Parameters.Add(new("w", w));
        return (graph.Input, w);
    }

    private static KernelPlan Lower(Func<Graph, int> build)
    {
        var graph = new Graph();
        graph.Outputs.Add(build(graph));
        graph.Statements.Add(new ForwardStatement(null, graph.Output, "..."));
        ReverseMode.Differentiate(graph, verify: true);
        GraphVerifier.Check(graph, "autodiff");
        var plan = Lowerer.Lower(graph, new Names(Array.Empty<string>(), graph.Parameters.Select(p => p.Key)));
        PlanVerifier.Check(plan);
        return plan;
    }
}
