using System.Globalization;
using System.Linq;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Writes one generated training step (a <c>GeneratedTrainingStep</c> subclass) for a resolved <see cref="StepLayout"/>.
/// The step does what <c>Trainer.Step</c> does on the layer-by-layer path, in the same order and with the same kernels,
/// so its results are that path's bit for bit: zero the gradients (lazily), each layer's forward, the loss forward and
/// backward, then each layer's backward from the last, the parameters it was the last to use updated right after.
/// </summary>
internal static class StepWriter
{
    public static void Write(SourceWriter w, StepLayout step, string className)
    {
        var layers = step.Layers;
        int last = layers.Count - 1;
        w.Line($"/// <summary>{Escape(step.Key)}: forward, loss, backward and updates in one method.</summary>");
        using (w.Block($"private sealed class {className} : global::LayerGen.Generated.GeneratedTrainingStep"))
        {
            for (int i = 0; i <= last; i++)
            {
                if (HeldAsField(layers[i]))
                {
                    w.Line($"private readonly {FieldType(layers[i])} _layer{i};");
                }
            }

            w.Line();
            w.Line($"private {className}(global::LayerGen.ILayer model, global::LayerGen.ILoss loss, global::LayerGen.Optimizer optimizer, int maxRows)");
            w.Line("    : base(model, loss, optimizer, WorkspaceLength(model, maxRows))");
            using (w.Block())
            {
                for (int i = 0; i <= last; i++)
                {
                    if (HeldAsField(layers[i]))
                    {
                        w.Line($"_layer{i} = ({FieldType(layers[i])}){Child(step, i)};");
                    }
                }
            }

            w.Line();
            w.Comment(step.OneLayer
                ? "The step for model when it is this layer (its kernel name matched already), else null."
                : "The step for model when it is a Sequential of layers of these types (the kernel names matched already), else null.");
            using (w.Block("public static global::LayerGen.Generated.GeneratedTrainingStep? Create(global::LayerGen.ILayer model, global::LayerGen.ILoss loss, global::LayerGen.Optimizer optimizer, int maxRows)"))
            {
                string types = step.OneLayer
                    ? $"model is {layers[0].TypeName}"
                    : $"model is global::LayerGen.Sequential sequential && {(step.TakesIds ? "sequential.TakesIds && " : string.Empty)}sequential.Count == {Number(layers.Count)} && "
                        + string.Join(" && ", layers.Select((l, i) => l.TakesIds ? $"sequential.IdsLayer is {l.TypeName}" : $"sequential[{i}] is {l.TypeName}"))
                        + string.Concat(layers.Select((l, i) => l.RunTimeWidth ? $" && sequential[{i}].InputRowLength == {Number(l.InputRow)}" : string.Empty));
                w.Line($"return {types}");
                w.Line($"    && model.InputRowLength == {Number(layers[0].InputRow * layers[0].RowsPerInputRow)} && model.OutputRowLength == {Number(layers[last].OutputPerInputRow)}");
                w.Line($"    ? new {className}(model, loss, optimizer, maxRows)");
                w.Line("    : null;");
            }

            w.Line();
            w.Line($"public override string Name => {Literal("generated step: " + step.Key)};");
            w.Line();
            w.Comment("Floats of workspace for a batch of rows: the outputs of every layer but the last, each layer's saved,\nand two halves that the gradients between layers alternate in (each on a cache line). Checked: called for the\nlargest batch when the trainer is built, so a step's own batch, no larger, cannot overflow.");
            using (w.Block("private static int WorkspaceLength(global::LayerGen.ILayer model, int rows)"))
            {
                for (int i = 0; i <= last; i++)
                {
                    if (layers[i].Entry is not null || layers[i].TakesIds)
                    {
                        w.Line($"var layer{i} = ({FieldType(layers[i])}){Child(step, i)};");
                    }
                }

                using (w.Block("checked"))
                {
                    WriteLayout(w, step, i => $"layer{i}");
                    w.Line("return workspaceLength;");
                }
            }

            w.Line();
            if (step.TakesIds)
            {
                WriteIdsSteps(w, step);
                return;
            }

            using (w.Block("public override float Step(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> output, Span<float> outputGrad, int lossRows, Span<float> lossSaved)"))
            {
                WriteStepBody(w, step, intoParameters: false);
            }

            w.Line();
            w.Comment("Plain SGD folded into the backward (Trainer's updateInBackward): the loss gradient scaled by −lr, each\nbackward kernel adding its gradients straight into the parameters, none stored.");
            using (w.Block("public override float StepIntoParameters(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> output, Span<float> outputGrad, int lossRows, Span<float> lossSaved, float lossScale)"))
            {
                WriteStepBody(w, step, intoParameters: true);
            }
        }
    }

    /// <summary>
    /// The step of a model that takes ids: over int64 ids, its first layer's span API called as the <c>Sequential</c> calls it.
    /// The trainer refuses to fold SGD into the backward of such a model and never calls the float steps, which say so.
    /// </summary>
    private static void WriteIdsSteps(SourceWriter w, StepLayout step)
    {
        const string refusal = "    => throw new InvalidOperationException(\"The model takes int64 ids: its trainer calls StepOnIds.\");";
        w.Line("public override bool TakesIds => true;");
        w.Line();
        w.Line("public override float Step(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> output, Span<float> outputGrad, int lossRows, Span<float> lossSaved)");
        w.Line(refusal);
        w.Line();
        w.Line("public override float StepIntoParameters(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> output, Span<float> outputGrad, int lossRows, Span<float> lossSaved, float lossScale)");
        w.Line(refusal);
        w.Line();
        using (w.Block("public override float StepOnIds(int rows, ReadOnlySpan<long> ids, ReadOnlySpan<float> target, Span<float> output, Span<float> outputGrad, int lossRows, Span<float> lossSaved)"))
        {
            WriteStepBody(w, step, intoParameters: false);
        }
    }

    private static void WriteStepBody(SourceWriter w, StepLayout step, bool intoParameters)
    {
        var layers = step.Layers;
        int last = layers.Count - 1;
        WriteLayout(w, step, i => $"_layer{i}");
        w.Line("Span<float> workspace = Workspace(workspaceLength);");
        for (int i = 0; i < last; i++)
        {
            w.Line($"Span<float> h{i} = workspace.Slice(h{i}At, rows * {Number(layers[i].OutputPerInputRow)});   // layer {i}'s output, [{Rows(layers[i])}, {Number(layers[i].OutputRow)}]");
        }

        for (int i = 0; i <= last; i++)
        {
            string end = i == last ? "savedEnd" : $"saved{i + 1}At";
            w.Line($"Span<float> saved{i} = workspace.Slice(saved{i}At, {end} - saved{i}At);");
        }

        for (int i = 0; i <= last; i++)
        {
            foreach (string tensor in layers[i].Tensors)
            {
                w.Line($"global::LayerGen.Tensor {tensor}{i} = _layer{i}.{Capitalised(tensor)};");
            }
        }

        w.Line();
        w.Comment("Gradients are zeroed lazily: each backward kernel below overwrites a stale one instead of adding to it.");
        w.Line("Optimizer.ZeroGrad();");
        w.Line();
        for (int i = 0; i <= last; i++)
        {
            w.Comment($"forward, layer {i}: {layers[i].KernelName}");
            if (layers[i].TakesIds)
            {
                w.Line($"_layer{i}.ForwardSpan({Rows(layers[i])}, {Arguments(["input", "output", "saved"], i, last, ids: true)});");
                continue;
            }

            if (layers[i].Entry is { } entry)
            {
                w.Line($"_layer{i}.__StepForward{entry.Suffix}({Rows(layers[i])}, {Arguments(["input", "output", "saved"], i, last)});");
                continue;
            }

            w.Line($"{layers[i].Kernels}.Forward({Rows(layers[i])}, {Arguments(layers[i].ForwardParameters, i, last)});");
        }

        w.Line();
        w.Comment("the loss, and its gradient (accumulated: cleared first)");
        w.Line("float loss = Loss.ForwardSpan(lossRows, output, target, lossSaved);");
        w.Line("outputGrad.Clear();");
        w.Line($"Loss.BackwardSpan(lossRows, output, target, {(intoParameters ? "lossScale" : "1f")}, outputGrad, lossSaved);");
        for (int i = last; i >= 0; i--)
        {
            w.Line();
            // A built-in without parameters is the last user of none; a user's layer may hold some in its children.
            bool updates = !intoParameters && (layers[i].Tensors.Count > 0 || layers[i].Entry is not null || layers[i].TakesIds);
            w.Comment($"backward, layer {i}: {layers[i].KernelName}" + (updates ? "; then the updates of the parameters it was the last to use" : string.Empty));
            if (i > 0)
            {
                w.Line($"Span<float> h{i - 1}Grad = workspace.Slice(grad{i % 2}At, rows * {Number(layers[i - 1].OutputPerInputRow)});");
                w.Line($"h{i - 1}Grad.Clear();");
            }

            if (layers[i].TakesIds)
            {
                // Ids have no gradient: the ids layer only adds to its parameters' gradients.
                w.Line($"_layer{i}.BackwardSpan({Rows(layers[i])}, {Arguments(["input", "output", "outputGrad", "saved"], i, last, ids: true)});");
                w.Line($"AfterChildBackward({Number(i)});");
                continue;
            }

            if (layers[i].Entry is { } entry)
            {
                // Its entry point takes the parameters' gradients (lazily zeroed, frozen ones skipped) as its span API does.
                string method = intoParameters && entry.IntoParameters ? "__StepBackwardIntoParameters" : "__StepBackward";
                w.Line($"_layer{i}.{method}{entry.Suffix}({Rows(layers[i])}, {Arguments(["input", "output", "outputGrad", "inputGrad", "saved"], i, last)});");
                if (updates)
                {
                    w.Line($"AfterChildBackward({Number(i)});");
                }

                continue;
            }

            foreach (string tensor in layers[i].Tensors)
            {
                string name = tensor + Number(i);
                w.Line($"bool {name}GradIsZero = false;");
                if (intoParameters)
                {
                    w.Line($"Span<float> {name}Grad = {name}.RequiresGrad ? {name}.Data : default; // its gradient, already scaled by −lr, is added into it");
                    continue;
                }

                w.Line($"Span<float> {name}Grad = {name}.RequiresGrad ? global::LayerGen.Generated.ParameterGradients.Take({name}, out {name}GradIsZero) : default;");
            }

            w.Line($"{layers[i].Kernels}.Backward({Rows(layers[i])}, {Arguments(layers[i].BackwardParameters, i, last)});");
            if (updates)
            {
                w.Line($"AfterChildBackward({Number(i)});");
            }
        }

        w.Line();
        if (!intoParameters)
        {
            w.Line("FinishUpdates();");
        }

        w.Line("return loss;");
    }

    /// <summary>Whether the step keeps the layer in a field: it reads its parameters, or calls its entry points or its ids span API.</summary>
    private static bool HeldAsField(StepLayerKernels layer) => layer.Tensors.Count > 0 || layer.Entry is not null || layer.TakesIds;

    /// <summary>The type of the field that holds the layer: an ids layer is called as the <c>Sequential</c> calls it, through <c>IIdsLayer</c>.</summary>
    private static string FieldType(StepLayerKernels layer) => layer.TakesIds ? "global::LayerGen.IIdsLayer" : layer.TypeName;

    /// <summary>Layer <paramref name="i"/> of the model <c>model</c>: the model itself when it is the one layer, the ids layer when it takes ids.</summary>
    private static string Child(StepLayout step, int i) =>
        step.OneLayer ? "model"
        : step.Layers[i].TakesIds ? "((global::LayerGen.Sequential)model).IdsLayer!"
        : $"((global::LayerGen.Sequential)model)[{Number(i)}]";

    /// <summary>
    /// The workspace's offsets for a batch of <c>rows</c>, as locals, ending in <c>workspaceLength</c>; a user's layer,
    /// named by <paramref name="layer"/>, says its saved length (it may depend on its children).
    /// </summary>
    private static void WriteLayout(SourceWriter w, StepLayout step, System.Func<int, string> layer)
    {
        var layers = step.Layers;
        int last = layers.Count - 1;
        string previous = "0";
        for (int i = 0; i < last; i++)
        {
            w.Line($"int h{i}At = {previous};");
            previous = $"h{i}At + rows * {Number(layers[i].OutputPerInputRow)}";
        }

        for (int i = 0; i <= last; i++)
        {
            w.Line($"int saved{i}At = {previous};");
            previous = layers[i].Entry is { } entry
                ? $"saved{i}At + {layer(i)}.__StepSavedLength{entry.Suffix}({Rows(layers[i])})"
                : layers[i].TakesIds
                    ? $"saved{i}At + {layer(i)}.SavedLength({Rows(layers[i])})"
                    : $"saved{i}At + {layers[i].Kernels}.SavedLength({Rows(layers[i])})";
        }

        w.Line($"int savedEnd = {previous};");
        int largest = layers.Take(last).Select(l => l.OutputPerInputRow).DefaultIfEmpty(0).Max();
        w.Line($"int gradHalf = (rows * {Number(largest)} + 15) & ~15;");
        w.Line("int grad0At = (savedEnd + 15) & ~15;");
        w.Line("int grad1At = grad0At + gradHalf;");
        w.Line("int workspaceLength = grad1At + gradHalf;");
    }

    /// <summary>The kernel's arguments after <c>rows</c>, for layer <paramref name="i"/> of a step whose last layer is <paramref name="last"/>.</summary>
    private static string Arguments(System.Collections.Generic.IReadOnlyList<string> parameters, int i, int last, bool ids = false) =>
        string.Join(", ", parameters.Select(p => p switch
        {
            "input" => i == 0 ? (ids ? "ids" : "input") : $"h{i - 1}",
            "output" => i == last ? "output" : $"h{i}",
            "outputGrad" => i == last ? "outputGrad" : $"h{i}Grad",
            "inputGrad" => i == 0 ? "Span<float>.Empty" : $"h{i - 1}Grad",
            "saved" => $"saved{i}",
            _ when p.EndsWith("GradIsZero", System.StringComparison.Ordinal) => p.Substring(0, p.Length - "GradIsZero".Length) + Number(i) + "GradIsZero",
            _ when p.EndsWith("Grad", System.StringComparison.Ordinal) => p.Substring(0, p.Length - "Grad".Length) + Number(i) + "Grad",
            _ => $"{p}{Number(i)}.Data",
        }));

    /// <summary>The rows layer <paramref name="layer"/> sees, as an expression of the batch's rows.</summary>
    private static string Rows(StepLayerKernels layer) => layer.RowsPerInputRow == 1 ? "rows" : $"rows * {Number(layer.RowsPerInputRow)}";

    private static string Capitalised(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Literal(string text) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
