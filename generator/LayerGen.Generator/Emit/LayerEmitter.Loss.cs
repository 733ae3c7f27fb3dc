using System.Linq;

namespace LayerGen.Generator.Emit;

/// <summary>The <c>ILoss</c> glue of a [Loss] class: the same kernels as a layer, with a target and a scalar result.</summary>
internal sealed partial class LayerEmitter
{
    private void EmitLossMembers(SourceWriter w)
    {
        w.Line($"public string LossName => \"{_layer.ClassName}\";");
        w.Line();
        EmitKernelName(w);
        EmitParameterAccessors(w);
        w.Line("/// <summary>The loss of <paramref name=\"input\"/> against <paramref name=\"target\"/>, by the generated kernels (and their backward when gradients are on).</summary>");
        if (HasRunTimeFeatures)
        {
            // A size nothing fixes (the classes of Ops.Pick): the input's last dimension, read at each call.
            string readSize = ReadRunTimeFeatures;
            using (w.Block("public Tensor Call(Tensor input, Tensor target)"))
            {
                w.Line(readSize);
                w.Line("return LossRuntime.Call(this, input, target, __inputFeatures, __targetFeatures);");
            }

            w.Line();
            w.Line("/// <summary>The loss against integer class labels, checked against the input's classes.</summary>");
            using (w.Block("public Tensor Call(Tensor input, ReadOnlySpan<int> labels)"))
            {
                w.Line(readSize);
                w.Line("return LossRuntime.CallWithLabels(this, input, labels);");
            }
        }
        else
        {
            w.Line("public Tensor Call(Tensor input, Tensor target) => LossRuntime.Call(this, input, target, __inputFeatures, __targetFeatures);");
        }

        w.Line();
        w.Line("/// <summary>The forward definition as written, on the eager reference ops (naive, allocating, for tests).</summary>");
        w.Line("public Tensor CallEager(Tensor input, Tensor target) => Forward(input, target);");
        w.Line();
    }

    private void EmitLossSpanApi(SourceWriter w)
    {
        var graph = _plan.Graph;
        string sizeArgs = HasSizes ? string.Join(", ", SizeNames.Select(s => "__" + s)) + ", " : string.Empty;
        string parameterData = ParameterData();
        string parameterGrads = GradientArguments();

        if (HasRunTimeFeatures)
        {
            EmitSettableInputRowLength(w);
        }
        else
        {
            w.Line($"public int InputRowLength => {GlueProduct(graph[graph.Input].Shape.Features)};");
        }

        w.Line();
        w.Line($"public int TargetRowLength => {GlueProduct(graph[graph.Target].Shape.Features)};");
        w.Line();
        w.Line($"public int SavedLength(int rows) => {Dispatch(k => $"{k}.SavedLength({ChildArguments}rows)", $"{RuntimeKernelClass}.SavedLength({sizeArgs}{ChildArguments}rows)")};");
        w.Line();

        using (w.Block("public float ForwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> saved)"))
        {
            w.Line("__CheckLengths(rows, input.Length, target.Length, 0, saved.Length);");
            w.Line("Span<float> output = stackalloc float[1];");
            EmitSwitch(
                w,
                k => $"{k}.Forward({ChildArguments}rows, input, {parameterData}target, output, saved{Training});",
                $"{RuntimeKernelClass}.Forward({sizeArgs}{ChildArguments}rows, input, {parameterData}target, output, saved{Training});",
                exit: "break");
            w.Line("return output[0];");
        }

        w.Line();
        using (w.Block("public void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> target, float outputGrad, Span<float> inputGrad, Span<float> saved)"))
        {
            w.Line("__CheckLengths(rows, input.Length, target.Length, inputGrad.Length, saved.Length);");
            w.Comment("The forward's value is not needed by these kernels' backward; the scalar gradient is a one-element span.");
            w.Line("Span<float> output = stackalloc float[1];");
            w.Line("Span<float> gradient = stackalloc float[1];");
            w.Line("gradient[0] = outputGrad;");
            EmitTakeGradients(w);
            EmitSwitch(
                w,
                k => $"{k}.Backward({ChildArguments}rows, input, {parameterData}target, output, gradient, inputGrad, {parameterGrads}saved);",
                $"{RuntimeKernelClass}.Backward({sizeArgs}{ChildArguments}rows, input, {parameterData}target, output, gradient, inputGrad, {parameterGrads}saved);");
        }

        w.Line();
        w.Comment("The kernels read without bounds checks, so every length is checked here, once per call.");
        using (w.Block("private void __CheckLengths(int rows, int input, int target, int inputGrad, int saved)"))
        {
            w.Line($"if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, \"{_layer.ClassName}: rows must not be negative.\");");
            w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"input\", input, rows * InputRowLength);");
            w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"target\", target, rows * TargetRowLength);");
            w.Line($"if (inputGrad != 0) SpanChecks.Length(\"{_layer.ClassName}\", \"inputGrad\", inputGrad, rows * InputRowLength);");
            w.Line($"SpanChecks.MinimumLength(\"{_layer.ClassName}\", \"saved\", saved, SavedLength(rows));");
        }
    }
}
