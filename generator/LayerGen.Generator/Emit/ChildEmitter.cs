using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Emits calls of child layers through their span API: the child runs its own generated kernels on
/// this layer's buffers, with its own slice of the workspace.
/// </summary>
internal sealed class ChildEmitter
{
    private readonly KernelPlan _plan;

    public ChildEmitter(KernelPlan plan) => _plan = plan;

    public void Forward(SourceWriter w, ChildCallStep step)
    {
        var node = _plan.Graph[step.Node];
        string inputs = string.Join(", ", node.Args.Select(a => _plan.Buffers[a].Name));
        string rows = ChildRows(node);
        // A child returning a tuple writes each result into its own buffer.
        string outputs = string.Join(", ", new[] { step.Target.Buffer.Name }.Concat(_plan.Graph.ChildResultsOf(step.Node).Select(r => _plan.Buffers[r].Name)));
        string assigned = outputs.Contains(", ") ? $"({outputs})" : outputs;
        w.Comment($"{assigned} = {node.Name}.Call({inputs})      (from: {node.Text})   {node.Shape}");
        w.Line($"{node.Name}.ForwardSpan({rows}, {inputs}, {outputs}, {_plan.ChildSaved[step.Node].Name});");
    }

    /// <summary>For a child of several inputs: the gradient targets of its ChildGrad nodes seen so far, by the call's output node.</summary>
    private readonly System.Collections.Generic.Dictionary<int, string[]> _pending = new();

    /// <summary>
    /// The backward of a child of several inputs: one ChildGrad node per input (Args: inputs..., output, g; Ints: the
    /// input), all made together. One run of the child's backward writes every input's gradient, so the steps before
    /// the last only note their target and the last one runs it. A child of several inputs is no ILayer, so it has no
    /// backward into parameters: its plain backward runs (the parent cannot offer one into parameters then either,
    /// as BackwardIntoParameters.CanRun refuses a child with parameters that does not implement it).
    /// </summary>
    /// <remarks>A child returning a tuple takes this path too: Args (inputs..., results..., their gradients...), Ints (input, results).</remarks>
    private void BackwardOfSeveral(SourceWriter w, ChildGradStep step, Node node)
    {
        int count = node.InputCount();
        int results = node.ResultCount();
        int output = node.Args[count];
        if (!_pending.TryGetValue(output, out var targets))
        {
            targets = new string[count];
            _pending[output] = targets;
        }

        string target = "Span<float>.Empty";
        if (_plan.Graph[node.Args[node.Ints[0]]].IsIds)
        {
            target = string.Empty; // ids have no gradient span
        }
        else if (step.Target is { } t)
        {
            target = t.Buffer.Name;
            if (!t.Accumulate)
            {
                // The child accumulates into the input gradient it is given.
                w.Line($"{target}.Clear();");
            }
        }

        targets[node.Ints[0]] = target;
        if (node.Ints[0] < count - 1)
        {
            return;
        }

        string inputs = string.Join(", ", node.Args.Take(count).Select(a => _plan.Buffers[a].Name));
        string outputs = string.Join(", ", node.Args.Skip(count).Take(results).Select(a => _plan.Buffers[a].Name));
        string outputGrads = string.Join(", ", node.Args.Skip(count + results).Select(a => _plan.Buffers[a].Name));
        w.Comment($"{string.Join(", ", targets.Where(g => g.Length > 0))} += {node.Name}'s backward from {outputGrads} (also accumulates {node.Name}'s parameter gradients)");
        w.Line($"{node.Name}.BackwardSpan({ChildRows(node)}, {inputs}, {outputs}, {outputGrads}, {string.Concat(targets.Where(g => g.Length > 0).Select(g => g + ", "))}{_plan.ChildSaved[output].Name});");
    }

    /// <param name="intoParameters">The kernel's flag choosing the child's <c>BackwardSpanIntoParameters</c> (IBackwardIntoParameters).</param>
    public void Backward(SourceWriter w, ChildGradStep step, string intoParameters)
    {
        var node = _plan.Graph[step.Node];
        if (node.Ints.Count >= 1)
        {
            BackwardOfSeveral(w, step, node);
            return;
        }

        var input = _plan.Buffers[node.Args[0]];
        var output = _plan.Buffers[node.Args[1]];
        var outputGrad = _plan.Buffers[node.Args[2]];
        string rows = ChildRows(node);
        string saved = _plan.ChildSaved[node.Args[1]].Name;
        if (_plan.Graph[node.Args[0]].IsIds)
        {
            // A child taking ids is a module of its own span API (no ILayer, no backward into parameters), and ids have no gradient.
            w.Comment($"{node.Name}'s backward, for its parameters' gradients only (ids have none)");
            w.Line($"{node.Name}.BackwardSpan({rows}, {input.Name}, {output.Name}, {outputGrad.Name}, {saved});");
            return;
        }

        if (step.Target is null)
        {
            w.Comment($"{node.Name}'s backward, for its parameters' gradients only (its input needs none)");
            ChildBackward(w, node.Name, $"{rows}, {input.Name}, {output.Name}, {outputGrad.Name}, Span<float>.Empty, {saved}", intoParameters);
            return;
        }

        string target = step.Target.Buffer.Name;
        w.Comment($"{target} {(step.Target.Accumulate ? "+=" : "=")} {node.Name}'s backward from {outputGrad.Name} (also accumulates {node.Name}'s parameter gradients)   {node.Shape}");
        if (!step.Target.Accumulate)
        {
            // The child accumulates into the input gradient it is given.
            w.Line($"{target}.Clear();");
        }

        ChildBackward(w, node.Name, $"{rows}, {input.Name}, {output.Name}, {outputGrad.Name}, {target}, {saved}", intoParameters);
    }

    // The child's own backward, or the one into its parameters (the layer's CanBackwardIntoParameters checked
    // that every child can, through BackwardIntoParameters.CanRun, before this runs).
    private static void ChildBackward(SourceWriter w, string child, string arguments, string intoParameters)
    {
        w.Line($"if ({intoParameters}) BackwardIntoParameters.Run({child}, {arguments});");
        w.Line($"else {child}.BackwardSpan({arguments});");
    }

    /// <summary>The child's rows: every dimension of its input before the child's own features.</summary>
    private string ChildRows(Node node)
    {
        var input = _plan.Graph[node.Args[0]].Shape;
        return Shape.ProductCode(input.Dims.Take(input.Rank - node.ChildInput!.Rank));
    }
}
