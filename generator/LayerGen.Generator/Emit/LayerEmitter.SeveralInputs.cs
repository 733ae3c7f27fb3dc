using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Emit;

/// <summary>
/// The glue of a layer whose <c>Forward</c> takes several tensors (<c>Tensor Forward(Tensor x, Tensor y)</c>). It is
/// not an <c>ILayer</c> (whose <c>Call</c> takes one tensor) but an <c>IModule</c>, so parameters, state dicts, saving,
/// optimisers and train/eval work on it as on any layer, with its own <c>Call(x, y)</c>, <c>CallEager(x, y)</c> and a
/// span API with one span per input: <c>ForwardSpan(rows, x, y, output, saved)</c>. The runtime's
/// <c>ModuleRuntime.Call</c> runs it from tensors through the hidden <c>ISpanModule</c>, which passes the inputs as arrays.
/// </summary>
internal sealed partial class LayerEmitter
{
    /// <summary>The user's input names, as <c>Forward</c> declares them.</summary>
    private IReadOnlyList<string> InputNames => _layer.Forward.AllInputNames.ToList();

    private string EmitSeveralInputs(SourceWriter w)
    {
        var graph = _plan.Graph;
        var kernels = new SourceWriter();
        EmitKernelClasses(kernels);
        var inputShapes = graph.Inputs.Select(id => graph[id].Shape).ToList();
        string inputsText = string.Join("; ", inputShapes.Select(ShapeTextOf));
        w.Line($"[global::LayerGen.Generated.LayerSignature(\"{string.Join(", ", _signature.Sizes)}\", \"{inputsText}\", \"{Parsing.ShapeText.Format(_signature.OutputFeatures)}\")]");
        using (w.Block($"partial class {_layer.ClassName} : global::LayerGen.Generated.ISpanModule"))
        {
            EmitSizeState(w);
            w.Comment($"The inputs' names and feature dimensions ({inputsText}), for the shape checks of Call.");
            w.Line($"private static readonly string[] __inputNames = {{ {string.Join(", ", InputNames.Select(n => $"\"{n}\""))} }};");
            w.Line($"private readonly int[][] __inputFeatures = {{ {string.Join(", ", inputShapes.Select(s => FeatureArray(s.Features)))} }};");
            w.Line($"private readonly int[] __outputFeatures = {FeatureArray(graph[graph.Output].Shape.Features)};");
            w.Line();
            w.Line($"public string LayerName => \"{_layer.ClassName}\";");
            w.Line();
            EmitKernelName(w);
            EmitParameterAccessors(w);

            string typedInputs = string.Join(", ", InputNames.Select(n => $"Tensor {n}"));
            string inputs = string.Join(", ", InputNames);
            w.Line("/// <summary>Runs the generated forward kernel on the inputs, which share their batch (leading) dimensions, and records the generated backward when gradients are on.</summary>");
            w.Line($"public Tensor Call({typedInputs}) => LayerRuntime.InEagerScope ? CallEager({inputs}) : ModuleRuntime.Call(this, new[] {{ {inputs} }}, __inputNames, __inputFeatures, __outputFeatures{(graph.CountsAxesFromTheFront ? ", oneBatchDimension: true" : string.Empty)});");
            w.Line();
            EmitCallEager(w, typedInputs, inputs);
            EmitModuleMembers(w);
            EmitSeveralInputsSpanApi(w);
            w.Append(kernels);
        }

        return w.ToString();
    }

    /// <summary>A shape as the user writes it (<c>[*, numHiddens]</c>): sizes by their constructor names.</summary>
    private string ShapeTextOf(Shape shape) => "[" + string.Join(", ", new[] { "*" }.Concat(shape.Features.Select(d => d.CodeWith(_names.OriginalSize)))) + "]";

    private void EmitSeveralInputsSpanApi(SourceWriter w)
    {
        var graph = _plan.Graph;
        var spans = _plan.InputSpans;
        string sizeArgs = (HasSizes ? string.Join(", ", SizeNames.Select(s => "__" + s)) + ", " : string.Empty) + ChildArguments;
        string parameterData = string.Concat(_layer.Parameters.Select(p => $"{p.Name}.Data, "));
        string parameterGrads = GradientArguments();
        string inputSpans = string.Join(", ", spans.Select(s => s.Input));
        string gradSpans = string.Join(", ", spans.Select(s => s.Gradient));

        w.Line("/// <summary>Floats per row of input <paramref name=\"input\"/> (0 for the first): the product of its feature dimensions.</summary>");
        string cases = string.Join(", ", graph.Inputs.Select((id, i) => $"{i} => {GlueProduct(graph[id].Shape.Features)}"));
        w.Line($"public int InputRowLength(int input) => input switch {{ {cases}, _ => throw new ArgumentOutOfRangeException(nameof(input), input, \"{_layer.ClassName} has {spans.Count} inputs.\") }};");
        w.Line();
        w.Line($"public int OutputRowLength => {GlueProduct(graph[graph.Output].Shape.Features)};");
        w.Line();
        w.Line($"public int SavedLength(int rows) => {Dispatch(k => $"{k}.SavedLength({ChildArguments}rows)", $"{RuntimeKernelClass}.SavedLength({sizeArgs}rows)")};");
        w.Line();

        string readInputs = string.Join(", ", spans.Select(s => $"ReadOnlySpan<float> {s.Input}"));
        w.Line("/// <summary>Forward over caller-owned buffers: one span per input (each <c>rows</c> rows), the output, and <c>saved</c> (length <see cref=\"SavedLength\"/>), which keeps what backward needs.</summary>");
        using (w.Block($"public void ForwardSpan(int rows, {readInputs}, Span<float> output, Span<float> saved)"))
        {
            w.Line($"__CheckLengths(rows, {string.Join(", ", spans.Select(s => s.Input + ".Length"))}, output.Length, output.Length, {string.Join(", ", spans.Select(_ => "0"))}, saved.Length);");
            EmitSwitch(w, k => $"{k}.Forward({ChildArguments}rows, {inputSpans}, {parameterData}output, saved{Training});", $"{RuntimeKernelClass}.Forward({sizeArgs}rows, {inputSpans}, {parameterData}output, saved{Training});");
        }

        w.Line();
        w.Line("/// <summary>Backward over caller-owned buffers, after a ForwardSpan with the same inputs, output and saved: accumulates (+=) into each input's gradient span (skipped when empty) and every parameter's Grad.</summary>");
        using (w.Block($"public void BackwardSpan(int rows, {readInputs}, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, {string.Join(", ", spans.Select(s => $"Span<float> {s.Gradient}"))}, Span<float> saved)"))
        {
            w.Line($"__CheckLengths(rows, {string.Join(", ", spans.Select(s => s.Input + ".Length"))}, output.Length, outputGrad.Length, {string.Join(", ", spans.Select(s => s.Gradient + ".Length"))}, saved.Length);");
            EmitTakeGradients(w);
            EmitSwitch(
                w,
                k => $"{k}.Backward({ChildArguments}rows, {inputSpans}, {parameterData}output, outputGrad, {gradSpans}, {parameterGrads}saved{ChildBackwardFlag(false)});",
                $"{RuntimeKernelClass}.Backward({sizeArgs}rows, {inputSpans}, {parameterData}output, outputGrad, {gradSpans}, {parameterGrads}saved{ChildBackwardFlag(false)});");
        }

        w.Line();
        w.Comment("ModuleRuntime.Call runs the span API through these, with the tensors' arrays in the order Forward takes them.");
        string fromArrays = string.Join(", ", spans.Select((_, i) => $"inputs[{i}]"));
        w.Line($"void global::LayerGen.Generated.ISpanModule.ForwardPacked(int rows, float[][] inputs, Span<float> output, Span<float> saved) => ForwardSpan(rows, {fromArrays}, output, saved);");
        w.Line();
        w.Line($"void global::LayerGen.Generated.ISpanModule.BackwardPacked(int rows, float[][] inputs, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, float[]?[] inputGrads, Span<float> saved) => BackwardSpan(rows, {fromArrays}, output, outputGrad, {string.Join(", ", spans.Select((_, i) => $"inputGrads[{i}].AsSpan()"))}, saved);");

        w.Line();
        w.Comment("The kernels read without bounds checks, so every length is checked here, once per call.");
        string lengthParameters = string.Join(", ", spans.Select(s => $"int {s.Input}").Concat(new[] { "int output", "int outputGrad" }).Concat(spans.Select(s => $"int {s.Gradient}")).Concat(new[] { "int saved" }));
        using (w.Block($"private void __CheckLengths(int rows, {lengthParameters})"))
        {
            w.Line($"if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, \"{_layer.ClassName}: rows must not be negative.\");");
            for (int i = 0; i < spans.Count; i++)
            {
                w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"{spans[i].Input}\", {spans[i].Input}, rows * InputRowLength({i}));");
            }

            w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"output\", output, rows * OutputRowLength);");
            w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"outputGrad\", outputGrad, rows * OutputRowLength);");
            for (int i = 0; i < spans.Count; i++)
            {
                w.Line($"if ({spans[i].Gradient} != 0) SpanChecks.Length(\"{_layer.ClassName}\", \"{spans[i].Gradient}\", {spans[i].Gradient}, rows * InputRowLength({i}));");
            }

            w.Line($"SpanChecks.MinimumLength(\"{_layer.ClassName}\", \"saved\", saved, SavedLength(rows));");
            foreach (var parameter in _layer.Parameters)
            {
                w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"{parameter.Name}\", {parameter.Name}.Count, {GlueProduct(parameter.Shape.Select(s => s.Symbol is null ? Dim.Const(s.Value) : Dim.Sym(_names.Size(s.Symbol))))});");
            }
        }
    }
}
