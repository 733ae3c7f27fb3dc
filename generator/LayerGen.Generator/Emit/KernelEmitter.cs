using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Emits the kernels of one lowered layer: <c>Forward</c>, <c>Backward</c> right after it, and
/// <c>SavedLength</c>. The same text serves every specialisation: sizes are <c>const</c> fields of a
/// specialised class, or parameters of the run-time-bounded one.
/// </summary>
internal sealed class KernelEmitter
{
    private readonly KernelPlan _plan;
    private readonly string _sizeParameters;
    private readonly string _childParameters;
    private readonly string _forwardText;
    private readonly string _layerName;

    /// <param name="plan">The lowered layer.</param>
    /// <param name="sizeParameters">Extra leading parameters (<c>int inUnits, int units, </c>) for the run-time-bounded kernel, or empty.</param>
    /// <param name="childParameters">The child layers the kernels call (<c>global::LayerGen.Linear fc1, </c>), or empty.</param>
    /// <param name="forwardText">The forward definition, shown above the forward kernel.</param>
    public KernelEmitter(KernelPlan plan, string sizeParameters, string childParameters, string forwardText, string layerName)
    {
        _layerName = layerName;
        _plan = plan;
        _sizeParameters = sizeParameters;
        _childParameters = childParameters;
        _forwardText = forwardText;
    }

    public void Emit(SourceWriter w)
    {
        // The bodies first: their length decides whether a kernel is one method or several (KernelParts), and with it
        // how the offsets into the workspace are written.
        var forward = EmitBody(_plan.ForwardSteps, backward: false, clearsGradients: true, new List<string>());
        var backwardStepTexts = new List<string>();
        var backward = EmitBody(_plan.BackwardSteps, backward: true, clearsGradients: true, backwardStepTexts);
        var forwardParts = KernelParts.Split(_plan.ForwardSteps, forward.StepLines);
        var backwardParts = KernelParts.Split(_plan.BackwardSteps, backward.StepLines);
        bool split = forwardParts.Count > 1 || backwardParts.Count > 1;
        var closedOffsets = split ? KernelParts.ClosedFormOffsets(_plan.Workspace).Offsets : null;

        w.Line("/// <summary>Floats of workspace the forward and backward kernels need for <paramref name=\"rows\"/> rows.</summary>");
        string savedLength = $"public static int SavedLength({_sizeParameters}{_childParameters}int rows)";
        if (_plan.Workspace.Count == 0)
        {
            w.Line($"{savedLength} => 0;");
        }
        else
        {
            using (w.Block(savedLength))
            {
                TellChildrenTheirWidths(w);
                if (closedOffsets is null)
                {
                    WriteOffsets(w, _plan.Workspace.Count);
                    w.Line($"return {_plan.SavedLengthCode};");
                }
                else
                {
                    w.Line($"return {KernelParts.ClosedFormOffsets(_plan.Workspace).End};");
                }
            }
        }

        w.Line();

        w.Comment($"Forward: {_forwardText}");
        var inputs = _plan.Graph.Inputs.Select(id => _plan.Buffers[id]).ToList();
        string inputShapes = inputs.Count == 1 ? $"input {inputs[0].Shape}" : string.Join(", ", inputs.Select(b => $"{b.Name} {b.Shape}"));
        var outputs = _plan.Graph.Outputs;
        string outputShapes = outputs.Count == 1 ? $"output {_plan.Graph[outputs[0]].Shape}" : string.Join(", ", outputs.Select((id, i) => $"{_plan.OutputSpans[i].Output} {_plan.Graph[id].Shape}"));
        w.Comment($"{inputShapes} -> {outputShapes}; '*' is the batch (rows).");
        EmitKernel(w, "Forward", ForwardParameters(), forward, forwardParts, backward: false, closedOffsets, null);

        w.Line();
        w.Comment("Backward: accumulates (+=) d(loss)/d(input) into inputGrad (skipped when empty) and d(loss)/d(parameter) into each parameter's gradient.");
        if (_plan.ParameterGradBuffers.Count > 0)
        {
            w.Comment("A gradient whose ...IsZero flag is set holds stale values that count as zeros (zeroed lazily): its first write overwrites it.");
        }

        EmitKernel(w, "Backward", BackwardParameters(), backward, backwardParts, backward: true, closedOffsets, backwardStepTexts);
    }

    /// <summary>
    /// One kernel: its body as one method, or, when <paramref name="parts"/> has several, a method that calls one
    /// method per part in order, each with the kernel's own parameters (KernelParts: the JIT optimises no method
    /// beyond its size limits, and an unrolled loop over a hundred time steps exceeds them).
    /// </summary>
    /// <param name="wholeStepTexts">The backward's step texts from <paramref name="wholeBody"/> (test builds), null for the forward.</param>
    private void EmitKernel(SourceWriter w, string name, List<string> parameters, Body wholeBody, List<List<Step>> parts, bool backward, Dictionary<string, string>? closedOffsets, List<string>? wholeStepTexts)
    {
        string parameterList = $"{_sizeParameters}{_childParameters}int rows, {string.Join(", ", parameters)}";
        if (parts.Count == 1)
        {
            using (w.Block($"public static void {name}({parameterList})"))
            {
                w.Append(wholeBody.Text);
            }

            if (_plan.VerifyEmittedAccess)
            {
                var steps = backward ? _plan.BackwardSteps : _plan.ForwardSteps;
                EmittedAccessCheck.Check(_plan, _layerName, wholeBody.Steps, _plan.WorkspaceTouchedBy(steps), wholeStepTexts);
            }

            return;
        }

        string arguments = string.Join(", ", KernelParts.ParameterNames(parameterList));
        using (w.Block($"public static void {name}({parameterList})"))
        {
            TellChildrenTheirWidths(w);
            w.Comment($"{parts.Count} methods of at most about {KernelParts.MaxLinesPerMethod} lines each, in order: one would be too long for the JIT to optimise.");
            for (int i = 0; i < parts.Count; i++)
            {
                w.Line($"{name}Part{i}({arguments});");
            }
        }

        var stepTexts = new List<string>();
        for (int i = 0; i < parts.Count; i++)
        {
            var part = EmitBody(parts[i], backward, clearsGradients: i == 0, stepTexts, closedOffsets, tellsChildren: false);
            w.Line();
            using (w.Block($"private static void {name}Part{i}({parameterList})"))
            {
                w.Append(part.Text);
            }

            if (_plan.VerifyEmittedAccess)
            {
                EmittedAccessCheck.Check(_plan, _layerName, part.Steps, _plan.WorkspaceTouchedBy(parts[i]), null);
            }
        }

        if (_plan.VerifyEmittedAccess && backward)
        {
            // The order of parameter reads and gradient writes across the parts, as across one method's steps.
            EmittedAccessCheck.Check(_plan, _layerName, string.Empty, new List<Buffer>(), stepTexts);
        }
    }

    /// <summary>The forward kernel's parameters after the sizes, children and <c>int rows</c>, as C# text.</summary>
    public List<string> ForwardParameters()
    {
        var forwardArgs = _plan.Graph.Inputs.Select((id, i) => $"{_plan.InputSpanType(i)} {_plan.Buffers[id].Name}").ToList();
        // The forward writes the buffers it updates (their new value, after every other step).
        forwardArgs.AddRange(_plan.ParameterBuffers.Concat(_plan.StateBuffers).Select(p => $"{(_plan.UpdatedStates.Contains(p.Name) ? "Span<float>" : "ReadOnlySpan<float>")} {p.Name}"));
        if (_plan.Graph.Target >= 0)
        {
            forwardArgs.Add("ReadOnlySpan<float> target");
        }

        forwardArgs.AddRange(_plan.OutputSpans.Select(o => $"Span<float> {o.Output}"));
        forwardArgs.Add("Span<float> saved");
        if (UsesTraining(_plan))
        {
            forwardArgs.Add("bool training");
        }

        return forwardArgs;
    }

    /// <summary>The backward kernel's parameters after the sizes, children and <c>int rows</c>, as C# text.</summary>
    public List<string> BackwardParameters()
    {
        var backwardArgs = _plan.Graph.Inputs.Select((id, i) => $"{_plan.InputSpanType(i)} {_plan.Buffers[id].Name}").ToList();
        backwardArgs.AddRange(_plan.ParameterBuffers.Concat(_plan.StateBuffers).Select(p => $"ReadOnlySpan<float> {p.Name}"));
        if (_plan.Graph.Target >= 0)
        {
            backwardArgs.Add("ReadOnlySpan<float> target");
        }

        backwardArgs.AddRange(_plan.OutputSpans.Select(o => $"ReadOnlySpan<float> {o.Output}"));
        backwardArgs.AddRange(_plan.OutputSpans.Select(o => $"ReadOnlySpan<float> {o.Gradient}"));
        backwardArgs.AddRange(_plan.InputGradientSpans().Select(g => $"Span<float> {g}"));
        backwardArgs.AddRange(_plan.ParameterGradBuffers.Select(p => $"Span<float> {p.Name}"));
        backwardArgs.AddRange(_plan.ParameterGradBuffers.Select(p => $"bool {IsZeroFlag(p)}"));
        backwardArgs.Add("Span<float> saved");
        if (CallsChildBackwards(_plan))
        {
            backwardArgs.Add($"bool {IntoParameters}");
        }

        if (ReadsTraining(_plan))
        {
            backwardArgs.Add("bool training");
        }

        return backwardArgs;
    }

    /// <summary>
    /// The backward kernel's last parameter when it calls child layers: whether they add their gradients
    /// into their parameters (<c>IBackwardIntoParameters.BackwardSpanIntoParameters</c>) rather than into <c>.Grad</c>.
    /// </summary>
    public const string IntoParameters = "intoParameters";

    /// <summary>Whether the backward kernel runs child layers' backwards (and so takes <see cref="IntoParameters"/>).</summary>
    public static bool CallsChildBackwards(KernelPlan plan) => plan.BackwardSteps.Any(s => s is ChildGradStep);

    /// <summary>The kernel parameter saying a parameter gradient's contents count as zeros (see <c>ParameterGradients.Take</c>).</summary>
    public static string IsZeroFlag(Buffer gradient) => gradient.Name + "IsZero";

    /// <summary>True when the forward kernel draws dropout masks or selects by <c>Training</c>, and so needs the layer's train/eval mode.</summary>
    public static bool UsesTraining(KernelPlan plan) => plan.Graph.Nodes.Any(n => n.Op == Ir.Op.DropoutMask) || ReadsTraining(plan);

    /// <summary>
    /// True when the forward branches on <c>Training</c> (<see cref="Parsing.BoolTraining"/>): a scalar of the kernels reads
    /// the mode, and the backward, which selects the gradient by the same mask, needs it too.
    /// </summary>
    public static bool ReadsTraining(KernelPlan plan) => plan.Graph.Nodes.Any(n => n.Op == Ir.Op.Constant && n.Value.Code is { } code
        && System.Text.RegularExpressions.Regex.IsMatch(code, @"\b" + Parsing.BoolTraining.KernelFlag + @"\b"));

    /// <summary>
    /// A kernel's (or a part's) body as emitted; the steps' text alone, without the declarations above them (what
    /// EmittedAccessCheck reads); and how many lines each step took (what KernelParts.Split reads).
    /// </summary>
    private sealed record Body(SourceWriter Text, string Steps, List<int> StepLines);

    /// <param name="clearsGradients">Whether the body starts by clearing the gradients no step zeroes (the first part's does).</param>
    /// <param name="stepTexts">Receives each backward step's text (test builds: EmittedAccessCheck).</param>
    /// <param name="closedOffsets">When the kernel is split: each workspace buffer's offset as one expression (no chain of locals).</param>
    /// <param name="tellsChildren">Whether the body starts by telling children their widths (the calling method does it for the parts).</param>
    private Body EmitBody(List<Step> steps, bool backward, bool clearsGradients, List<string> stepTexts, Dictionary<string, string>? closedOffsets = null, bool tellsChildren = true)
    {
        var w = new SourceWriter();
        var body = new SourceWriter();
        var stepLines = new List<int>();
        var loops = new LoopEmitter(_plan);
        var matmuls = new MatMulEmitter(_plan);
        var children = new ChildEmitter(_plan);
        var structural = new StructuralEmitter(_plan);
        var openGuard = Model.EquatableArray<string>.Empty;
        System.IDisposable? guard = null;

        // A parameter gradient flagged IsZero must be written whole before anything is added to it: Lowering chose
        // which are cleared up front and how each other's first writing step zeroes it (GradientFirstWrites).
        if (backward && clearsGradients)
        {
            foreach (var gradient in _plan.GradientsClearedFirst)
            {
                body.Line($"if ({IsZeroFlag(gradient)}) {gradient.Name}.Clear();");
            }
        }

        var headed = Model.EquatableArray<string>.Empty;
        int afterLastStep = -1;
        foreach (var step in steps)
        {
            int linesBefore = body.LineCount;
            if (step.WantedBy != openGuard)
            {
                // Consecutive steps wanted by the same gradients share one block.
                guard?.Dispose();
                guard = step.WantedBy.Count > 0 ? body.Block($"if ({string.Join(" || ", step.WantedBy.Select(g => $"!{g}.IsEmpty"))})") : null;
                openGuard = step.WantedBy;
            }

            int stepStart = body.Length; // after the guard, which names gradients without writing them

            // Backward steps are headed by the forward line they differentiate, once for a run of steps from one line.
            if (step.Differentiates.Count > 0 && (step.Differentiates != headed || stepStart != afterLastStep))
            {
                var statement = step.Differentiates;
                body.Comment(string.Join("\n", statement.Select(s => "forward: " + s)));
                body.PrefixNextComment("so: ");
                headed = statement;
            }

            string? overwriteFlag = null;
            if (backward && _plan.FirstWrites.TryGetValue(step, out var first))
            {
                if (first.Zeroing == FirstWriteZeroing.Overwrites)
                {
                    overwriteFlag = IsZeroFlag(first.Gradient);
                }
                else if (first.Zeroing == FirstWriteZeroing.ClearsFirst)
                {
                    body.Line($"if ({IsZeroFlag(first.Gradient)}) {first.Gradient.Name}.Clear();");
                }
            }

            switch (step)
            {
                case ElementwiseStep elementwise:
                    loops.Elementwise(body, elementwise);
                    break;
                case CopyStep copy:
                    loops.Copy(body, copy);
                    break;
                case ReduceStep reduce:
                    loops.Reduce(body, reduce);
                    break;
                case MatMulStep matmul:
                    matmuls.Emit(body, matmul, overwriteFlag);
                    break;
                case StructuralStep op:
                    structural.Emit(body, op, overwriteFlag);
                    break;
                case ChildCallStep call:
                    children.Forward(body, call);
                    break;
                case ChildGradStep grad:
                    children.Backward(body, grad, IntoParameters);
                    break;
            }

            body.ClearCommentPrefix();
            if (_plan.VerifyEmittedAccess && backward)
            {
                stepTexts.Add(body.TextFrom(stepStart)); // only test builds compare the text with the plan's record
            }
            EmitCheck(body, step, backward);
            afterLastStep = body.Length;
            stepLines.Add(body.LineCount - linesBefore);
        }

        guard?.Dispose();

        // Declare the workspace slices this kernel touches, with their shapes (comments and messages quote the forward's names),
        // after the offsets they start at (those of the buffers before them too: each offset is the one before plus a length).
        var used = _plan.WorkspaceTouchedBy(steps);
        if (tellsChildren)
        {
            TellChildrenTheirWidths(w);
        }

        if (closedOffsets is null && used.Count > 0)
        {
            WriteOffsets(w, _plan.Workspace.IndexOf(used[used.Count - 1]) + 1);
        }

        foreach (var buffer in used)
        {
            string what = buffer.LengthOverride is null ? buffer.Shape.ToString() : "child workspace";
            string offset = closedOffsets is null ? buffer.OffsetName : closedOffsets[buffer.Name];
            w.Line($"Span<float> {buffer.Name} = saved.Slice({offset}, {buffer.LengthCode}); // {what}");
        }

        if (steps.Count == 0)
        {
            w.Comment(backward ? "Nothing depends on the input or a parameter." : "Nothing to compute.");
        }

        w.Append(body);
        return new Body(w, body.ToString(), stepLines);
    }

    /// <summary>Declares the offsets of the first <paramref name="count"/> workspace buffers.</summary>
    /// <summary>
    /// A child reading its features from its input (<c>RowSoftmax</c>: <c>x.Softmax(-1)</c> alone) is told the width this
    /// layer passes it before its workspace and span calls: a constant in a constant specialisation. One width per child
    /// (GraphBuilder refuses two), so concurrent calls of a layer of fixed sizes write the same value.
    /// </summary>
    private void TellChildrenTheirWidths(SourceWriter w)
    {
        foreach (var call in _plan.Graph.Nodes.Where(n => n.Op == Ir.Op.ChildCall && n.ChildReadsFeatures).GroupBy(n => n.Name, System.StringComparer.Ordinal).Select(g => g.First()))
        {
            w.Line(call.ChildInput!.Rank == 1
                ? $"{call.Name}.InputRowLength = {Ir.Shape.ProductCode(call.ChildInput.Dims)}; // {call.Name} reads its features from its input: told the width this layer passes it"
                : $"{call.Name}.SetInputFeatures({string.Join(", ", call.ChildInput.Dims.Select(d => Ir.Shape.ProductCode(new[] { d })))}); // {call.Name} reads its features from its input: told those this layer passes it");
        }
    }

    private void WriteOffsets(SourceWriter w, int count)
    {
        foreach (var (name, code) in _plan.WorkspaceOffsets().Take(count))
        {
            w.Line($"int {name} = {code};");
        }
    }

    /// <summary>In <c>CheckedMode</c>, the step's result is scanned for NaN and infinity, naming its source.</summary>
    private void EmitCheck(SourceWriter w, Step step, bool backward)
    {
        var (target, node) = step switch
        {
            ElementwiseStep e => (e.Target, e.Root),
            MatMulStep m => (m.Target, m.Epilogue ?? m.MatMul),
            ReduceStep r => (r.Target, r.Reduce),
            StructuralStep s => (s.Target, s.Node),
            CopyStep c => (c.Target, c.Source),
            _ => ((Target?)null, -1),
        };
        if (target is null)
        {
            return;
        }

        string text = _plan.Graph[node].Text;
        string expression = text.Length > 0 ? text : (backward ? "the gradient of " + _forwardText : _forwardText);
        string literal = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(expression, quote: true);
        string pass = backward ? "backward" : "forward";
        w.Line($"if (CheckedMode.Enabled) NonFiniteValues.Check({target.Buffer.Name}, \"{_layerName}\", \"{pass}\", {literal});");
    }
}
