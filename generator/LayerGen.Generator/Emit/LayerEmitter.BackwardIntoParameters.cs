using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

// IBackwardIntoParameters (BackwardSpanIntoParameters and CanBackwardIntoParameters): the backward that adds (pre-scaled)
// gradients straight into the parameters, for the Trainer's update-in-backward mode.
internal sealed partial class LayerEmitter
{
    /// <summary>
    /// The backward with each parameter's storage as its own gradient buffer, never flagged as zeroed, so
    /// the kernel adds the (pre-scaled) gradient into the parameter, and child layers run theirs:
    /// <c>IBackwardIntoParameters.BackwardSpanIntoParameters</c>. Emitted (and the interface declared) only when the kernels read every parameter before
    /// writing its gradient and run each child's backward once (<see cref="ParameterWriteOrder"/>),
    /// and the layer has parameters or children (otherwise its plain backward already is this one).
    /// What the generator cannot see is left to <c>CanBackwardIntoParameters</c> at run time: two parameter
    /// fields holding one tensor (one's gradient would be written before the other is read), a child that
    /// cannot, and a tensor held by two parts of the layer.
    /// </summary>
    private void EmitBackwardIntoParameters(SourceWriter w, string sizeArgs, string parameterData)
    {
        var pairs = Pairs(_layer.Parameters.Select(p => p.Name).ToList()).Select(p => $"ReferenceEquals({p.First}, {p.Second})").ToList();

        var conditions = new List<string>();
        if (pairs.Count > 0)
        {
            conditions.Add($"!({string.Join(" || ", pairs)})");
        }

        // Children: each can (or holds no parameters), no two called fields hold one instance (its backward
        // would run twice), and no tensor is held by two of them.
        var children = UsedChildren.ToList();
        conditions.AddRange(children.Select(c => $"BackwardIntoParameters.CanRun({c.Name})"));
        conditions.AddRange(Pairs(children.Select(c => c.Name).ToList()).Select(p => $"!ReferenceEquals({p.First}, {p.Second})"));

        if (children.Count > 0)
        {
            conditions.Add("BackwardIntoParameters.HoldsEachParameterOnce(this)");
        }

        // A frozen parameter (RequiresGrad false) gets no update: an empty span, as in the ordinary backward.
        string intoParameters = string.Concat(_layer.Parameters.Select(p => $"{p.Name}.RequiresGrad ? {p.Name}.Data : null, "))
            + string.Concat(_layer.Parameters.Select(_ => "false, ")) + "saved" + ChildBackwardFlag(true);
        w.Line();
        w.Comment("Every backward step that reads a parameter comes before the first that writes its gradient (checked by the generator).");
        w.Line($"public bool CanBackwardIntoParameters => {(conditions.Count == 0 ? "true" : string.Join(" && ", conditions))};");
        w.Line();
        using (w.Block("public void BackwardSpanIntoParameters(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved)"))
        {
            w.Line("__CheckLengths(rows, input.Length, output.Length, outputGrad.Length, inputGrad.Length, saved.Length);");
            if (pairs.Count > 0)
            {
                // Cheap enough for every call; the checks that walk the children run when a Trainer is built.
                w.Line($"if ({string.Join(" || ", pairs)}) throw new InvalidOperationException(\"{_layer.ClassName}: two of its parameters are one tensor, so its backward cannot add gradients into them (the first written would change a value the other's gradient reads).\");");
            }

            EmitSwitch(
                w,
                k => $"{k}.Backward({ChildArguments}rows, input, {parameterData}output, outputGrad, inputGrad, {intoParameters});",
                $"{RuntimeKernelClass}.Backward({sizeArgs}rows, input, {parameterData}output, outputGrad, inputGrad, {intoParameters});");
        }
    }

    /// <summary>
    /// The backward kernel's last arguments: whether child layers add into their parameters when it calls them (see
    /// <see cref="KernelEmitter.IntoParameters"/>), and the train/eval mode when the forward branches on <c>Training</c>.
    /// </summary>
    private string ChildBackwardFlag(bool intoParameters) =>
        (KernelEmitter.CallsChildBackwards(_plan) ? (intoParameters ? ", true" : ", false") : string.Empty)
        + (KernelEmitter.ReadsTraining(_plan) ? ", __training" : string.Empty);
}
