using System.Linq;

namespace LayerGen.Generator.Emit;

/// <summary>
/// The span API of a layer's glue (<c>InputRowLength</c>, <c>SavedLength</c>, <c>ForwardSpan</c>, <c>BackwardSpan</c>
/// with their length checks) and the dispatch of each call to the kernel its construction runs: a specialisation's
/// <c>Kernels&lt;Sizes_…&gt;</c> or the run-time-bounded class.
/// </summary>
internal sealed partial class LayerEmitter
{
    private void EmitSpanApi(SourceWriter w, bool gradientsMayGoIntoParameters)
    {
        var graph = _plan.Graph;
        string inputRow = GlueProduct(graph[graph.Input].Shape.Features);
        string outputRow = GlueProduct(graph[graph.Output].Shape.Features);
        string sizeArgs = (HasSizes ? string.Join(", ", SizeNames.Select(s => "__" + s)) + ", " : string.Empty) + ChildArguments;
        string parameterData = ParameterData();
        string parameterGrads = GradientArguments();

        if (HasRunTimeFeatures)
        {
            EmitSettableInputRowLength(w);
        }
        else
        {
            w.Line($"public int InputRowLength => {inputRow};");
        }

        w.Line();
        w.Line($"public int OutputRowLength => {(HasRunTimeFeatures ? RunTimeOutputRow(outputRow) : outputRow)};");
        w.Line();
        w.Line($"public int SavedLength(int rows) => {Dispatch(k => $"{k}.SavedLength({ChildArguments}rows)", $"{RuntimeKernelClass}.SavedLength({sizeArgs}rows)")};");
        w.Line();

        using (w.Block("public void ForwardSpan(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved)"))
        {
            w.Line("__CheckLengths(rows, input.Length, output.Length, output.Length, 0, saved.Length);");
            EmitSwitch(w, k => $"{k}.Forward({ChildArguments}rows, input, {parameterData}output, saved{Training});", $"{RuntimeKernelClass}.Forward({sizeArgs}rows, input, {parameterData}output, saved{Training});");
        }

        w.Line();
        using (w.Block("public void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved)"))
        {
            w.Line("__CheckLengths(rows, input.Length, output.Length, outputGrad.Length, inputGrad.Length, saved.Length);");
            EmitTakeGradients(w);
            EmitSwitch(
                w,
                k => $"{k}.Backward({ChildArguments}rows, input, {parameterData}output, outputGrad, inputGrad, {parameterGrads}saved{ChildBackwardFlag(false)});",
                $"{RuntimeKernelClass}.Backward({sizeArgs}rows, input, {parameterData}output, outputGrad, inputGrad, {parameterGrads}saved{ChildBackwardFlag(false)});");
        }

        if (gradientsMayGoIntoParameters)
        {
            EmitBackwardIntoParameters(w, sizeArgs, parameterData);
        }

        w.Line();
        w.Comment("The kernels read without bounds checks, so every length is checked here, once per call.");
        using (w.Block("private void __CheckLengths(int rows, int input, int output, int outputGrad, int inputGrad, int saved)"))
        {
            w.Line($"if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, \"{_layer.ClassName}: rows must not be negative.\");");
            w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"input\", input, rows * InputRowLength);");
            w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"output\", output, rows * OutputRowLength);");
            w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"outputGrad\", outputGrad, rows * OutputRowLength);");
            w.Line($"if (inputGrad != 0) SpanChecks.Length(\"{_layer.ClassName}\", \"inputGrad\", inputGrad, rows * InputRowLength);");
            w.Line($"SpanChecks.MinimumLength(\"{_layer.ClassName}\", \"saved\", saved, SavedLength(rows));");
            foreach (var parameter in _layer.Parameters)
            {
                w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"{parameter.Name}\", {parameter.Name}.Count, {GlueProduct(parameter.Shape.Select(s => s.ToDim(_names.Size)))});");
            }

            EmitBufferShapeChecks(w);
        }
    }

    private string Dispatch(System.Func<string, string> specialised, string runtime)
    {
        if (_builtIn)
        {
            return $"{Specialised} is not null ? {specialised(Specialised)} : {runtime}";
        }

        if (_specialisations.Count == 0)
        {
            return runtime;
        }

        var cases = _specialisations.Select((s, i) => $"{i + 1} => {specialised(KernelClassName(s))}");
        return $"__kernel switch {{ {string.Join(", ", cases)}, _ => {runtime} }}";
    }

    private void EmitSwitch(SourceWriter w, System.Func<string, string> specialised, string runtime, string exit = "return")
    {
        if (_builtIn)
        {
            w.Line($"if ({Specialised} is not null) {specialised(Specialised)}");
            w.Line($"else {runtime}");
            return;
        }

        if (_specialisations.Count == 0)
        {
            w.Line(runtime);
            return;
        }

        using (w.Block("switch (__kernel)"))
        {
            int index = 1;
            foreach (var sizes in _specialisations)
            {
                w.Line($"case {index++}: {specialised(KernelClassName(sizes))} {exit};");
            }

            w.Line($"default: {runtime} {exit};");
        }
    }
}
