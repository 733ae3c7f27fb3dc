using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

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

    private void EmitSeveralInputs(SourceWriter w)
    {
        var graph = _plan.Graph;
        var kernels = new SourceWriter();
        EmitKernelClasses(kernels);
        var inputShapes = graph.Inputs.Select(id => graph[id].Shape).ToList();
        var outputShapes = graph.Outputs.Select(id => graph[id].Shape).ToList();
        bool tuple = outputShapes.Count > 1;
        // An input of ids is marked 'ids [*]': a parent in another assembly reads it to pass its ids as they are.
        string inputsText = string.Join("; ", inputShapes.Select((s, i) => (_plan.InputIsIds(i) ? "ids " : string.Empty) + ShapeTextOf(s)));
        string outputsText = string.Join("; ", outputShapes.Select(ShapeTextOf));
        w.Line($"[global::LayerGen.Generated.LayerSignature(\"{string.Join(", ", _signature.Sizes)}\", \"{inputsText}\", \"{outputsText}\"{SignatureRunTimeSizes})]");
        // One input of ids and one output: an IIdsLayer, which Sequential takes as its first child.
        bool idsLayer = inputShapes.Count == 1 && _plan.InputIsIds(0) && !tuple;
        if (idsLayer)
        {
            RecordIdsStepEntries();
        }

        using (w.Block($"partial class {_layer.ClassName}{_layer.TypeParameterList} : global::LayerGen.Generated.ISpanModule{(idsLayer ? ", global::LayerGen.IIdsLayer" : string.Empty)}"))
        {
            EmitSizeState(w);
            w.Comment($"The inputs' names and feature dimensions ({inputsText}) and the {(tuple ? "outputs'" : "output's")} ({outputsText}), for Call's shape checks.");
            w.Line($"private static readonly string[] __inputNames = {{ {string.Join(", ", InputNames.Select(n => $"\"{n}\""))} }};");
            w.Line($"private readonly int[][] __inputFeatures = {{ {string.Join(", ", inputShapes.Select(s => FeatureArray(s.Features)))} }};");
            w.Line(tuple
                ? $"private readonly int[][] __outputFeatures = {{ {string.Join(", ", outputShapes.Select(s => FeatureArray(s.Features)))} }};"
                : $"private readonly int[] __outputFeatures = {FeatureArray(outputShapes[0].Features)};");
            w.Line();
            w.Line($"public string LayerName => \"{_layer.ClassName}\";");
            w.Line();
            EmitKernelName(w);
            EmitParameterAccessors(w);

            string typedInputs = string.Join(", ", InputNames.Select(n => $"Tensor {n}"));
            string inputs = string.Join(", ", InputNames);
            string oneBatch = graph.CountsAxesFromTheFront ? ", oneBatchDimension: true" : string.Empty;
            w.Line("/// <summary>Runs the generated forward kernel on the inputs, which share their batch (leading) dimensions, and records the generated backward when gradients are on.</summary>");
            if (tuple)
            {
                using (w.Block($"public {ResultType} Call({typedInputs})"))
                {
                    w.Line($"if (LayerRuntime.InEagerScope) return CallEager({inputs});");
                    w.Line($"var __outputs = ModuleRuntime.CallTuple(this, new[] {{ {inputs} }}, __inputNames, __inputFeatures, __outputFeatures{oneBatch});");
                    w.Line($"return ({string.Join(", ", outputShapes.Select((_, i) => $"__outputs[{i}]"))});");
                }
            }
            else
            {
                w.Line($"public Tensor Call({typedInputs}) => LayerRuntime.InEagerScope ? CallEager({inputs}) : ModuleRuntime.Call(this, new[] {{ {inputs} }}, __inputNames, __inputFeatures, __outputFeatures{oneBatch});");
            }

            w.Line();
            EmitCallEager(w, typedInputs, inputs, ResultType);
            EmitModuleMembers(w);
            EmitSeveralInputsSpanApi(w);
            w.Append(kernels);
        }
    }

    /// <summary><c>Tensor</c>, or the tuple type <c>Forward</c> returns, with its element names (<c>(Tensor Output, Tensor State)</c>).</summary>
    private string ResultType
    {
        get
        {
            var forward = _layer.Forward;
            if (!forward.HasSeveralOutputs)
            {
                return "Tensor";
            }

            var names = forward.OutputNames;
            return "(" + string.Join(", ", Enumerable.Range(0, forward.OtherResults.Count + 1).Select(i => i < names.Count && names[i].Length > 0 ? "Tensor " + names[i] : "Tensor")) + ")";
        }
    }

    /// <summary>A shape as the user writes it (<c>[*, numHiddens]</c>): sizes by their constructor names.</summary>
    private string ShapeTextOf(Shape shape) => "[" + string.Join(", ", new[] { "*" }.Concat(shape.Features.Select(d => d.CodeWith(_names.OriginalSize)))) + "]";

    private void EmitSeveralInputsSpanApi(SourceWriter w)
    {
        var graph = _plan.Graph;
        var spans = _plan.InputSpans;
        var outs = _plan.OutputSpans;
        bool tuple = outs.Count > 1;
        string sizeArgs = (HasSizes ? string.Join(", ", SizeNames.Select(s => "__" + s)) + ", " : string.Empty) + ChildArguments;
        string parameterData = ParameterData();
        string parameterGrads = GradientArguments();
        string inputSpans = string.Join(", ", spans.Select(s => s.Input));
        var gradientSpans = _plan.InputGradientSpans().ToList(); // ids inputs have none
        string gradSpans = string.Concat(gradientSpans.Select(g => g + ", "));
        string outputSpans = string.Join(", ", outs.Select(o => o.Output));
        string outputGradSpans = string.Join(", ", outs.Select(o => o.Gradient));

        w.Line("/// <summary>Floats per row of input <paramref name=\"input\"/> (0 for the first): the product of its feature dimensions.</summary>");
        string cases = string.Join(", ", graph.Inputs.Select((id, i) => $"{i} => {GlueProduct(graph[id].Shape.Features)}"));
        w.Line($"public int InputRowLength(int input) => input switch {{ {cases}, _ => throw new ArgumentOutOfRangeException(nameof(input), input, \"{_layer.ClassName} has {spans.Count} inputs.\") }};");
        w.Line();
        if (tuple)
        {
            w.Line("/// <summary>Floats per row of output <paramref name=\"output\"/> (0 for the first).</summary>");
            string outputCases = string.Join(", ", graph.Outputs.Select((id, i) => $"{i} => {GlueProduct(graph[id].Shape.Features)}"));
            w.Line($"public int OutputRowLength(int output) => output switch {{ {outputCases}, _ => throw new ArgumentOutOfRangeException(nameof(output), output, \"{_layer.ClassName} has {outs.Count} outputs.\") }};");
        }
        else
        {
            w.Line($"public int OutputRowLength => {GlueProduct(graph[graph.Output].Shape.Features)};");
        }

        w.Line();
        w.Line($"public int SavedLength(int rows) => {Dispatch(k => $"{k}.SavedLength({ChildArguments}rows)", $"{RuntimeKernelClass}.SavedLength({sizeArgs}rows)")};");
        w.Line();

        string readInputs = string.Join(", ", spans.Select((s, i) => $"{_plan.InputSpanType(i)} {s.Input}"));
        string writeOutputs = string.Join(", ", outs.Select(o => $"Span<float> {o.Output}"));
        string lengths(System.Func<string, string> input, System.Func<string, string> output, System.Func<string, string> outputGrad, System.Func<string, string> inputGrad) =>
            string.Join(", ", spans.Select(s => input(s.Input)).Concat(outs.Select(o => output(o.Output))).Concat(outs.Select(o => outputGrad(o.Output))).Concat(gradientSpans.Select(inputGrad)));
        w.Line("/// <summary>Forward over caller-owned buffers: one span per input and per output (each <c>rows</c> rows), and <c>saved</c> (length <see cref=\"SavedLength\"/>), which keeps what backward needs.</summary>");
        using (w.Block($"public void ForwardSpan(int rows, {readInputs}, {writeOutputs}, Span<float> saved)"))
        {
            w.Line($"__CheckLengths(rows, {lengths(i => i + ".Length", o => o + ".Length", o => o + ".Length", _ => "0")}, saved.Length);");
            EmitSwitch(w, k => $"{k}.Forward({ChildArguments}rows, {inputSpans}, {parameterData}{outputSpans}, saved{Training});", $"{RuntimeKernelClass}.Forward({sizeArgs}rows, {inputSpans}, {parameterData}{outputSpans}, saved{Training});");
        }

        w.Line();
        w.Line("/// <summary>Backward over caller-owned buffers, after a ForwardSpan with the same inputs, outputs and saved: accumulates (+=) into each input's gradient span (skipped when empty) and every parameter's Grad.</summary>");
        string readOutputs = string.Join(", ", outs.Select(o => $"ReadOnlySpan<float> {o.Output}").Concat(outs.Select(o => $"ReadOnlySpan<float> {o.Gradient}")));
        using (w.Block($"public void BackwardSpan(int rows, {readInputs}, {readOutputs}, {string.Concat(gradientSpans.Select(g => $"Span<float> {g}, "))}Span<float> saved)"))
        {
            var gradOf = outs.ToDictionary(o => o.Output, o => o.Gradient);
            w.Line($"__CheckLengths(rows, {lengths(i => i + ".Length", o => o + ".Length", o => gradOf[o] + ".Length", g => g + ".Length")}, saved.Length);");
            EmitTakeGradients(w);
            EmitSwitch(
                w,
                k => $"{k}.Backward({ChildArguments}rows, {inputSpans}, {parameterData}{outputSpans}, {outputGradSpans}, {gradSpans}{parameterGrads}saved{ChildBackwardFlag(false)});",
                $"{RuntimeKernelClass}.Backward({sizeArgs}rows, {inputSpans}, {parameterData}{outputSpans}, {outputGradSpans}, {gradSpans}{parameterGrads}saved{ChildBackwardFlag(false)});");
        }

        w.Line();
        w.Comment(tuple
            ? "ModuleRuntime runs the span API through these, with the tensors in the order Forward takes them and the outputs one after the other in one buffer."
            : "ModuleRuntime runs the span API through these, with the tensors in the order Forward takes them.");
        string fromArrays = string.Join(", ", spans.Select((_, i) => _plan.InputIsIds(i) ? $"inputs[{i}].LongData" : $"inputs[{i}].Data"));
        string toGradients = string.Concat(Enumerable.Range(0, spans.Count).Where(i => !_plan.InputIsIds(i)).Select(i => $"inputGrads[{i}].AsSpan(), "));
        string Parts(string packed) => tuple
            ? string.Join(", ", outs.Select((_, i) => $"{packed}.Slice({(i == 0 ? "0" : "rows * (" + string.Join(" + ", Enumerable.Range(0, i).Select(j => $"OutputRowLength({j})")) + ")")}, rows * OutputRowLength({i}))"))
            : packed;
        w.Line($"void global::LayerGen.Generated.ISpanModule.ForwardPacked(int rows, Tensor[] inputs, Span<float> output, Span<float> saved) => ForwardSpan(rows, {fromArrays}, {Parts("output")}, saved);");
        w.Line();
        w.Line($"void global::LayerGen.Generated.ISpanModule.BackwardPacked(int rows, Tensor[] inputs, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, float[]?[] inputGrads, Span<float> saved) => BackwardSpan(rows, {fromArrays}, {Parts("output")}, {Parts("outputGrad")}, {toGradients}saved);");
        if (_plan.HasIdsInputs())
        {
            w.Line();
            w.Comment("Inputs of int64 ids (used as indices in Forward): ModuleRuntime checks their dtype before the kernels run.");
            string ids = string.Join(" or ", Enumerable.Range(0, spans.Count).Where(_plan.InputIsIds).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            w.Line($"bool global::LayerGen.Generated.ISpanModule.InputIsIds(int input) => input is {ids};");
            if (spans.Count == 1 && !tuple)
            {
                w.Line();
                w.Line("int global::LayerGen.IIdsLayer.InputRowLength => InputRowLength(0);");
            }
        }

        w.Line();
        w.Comment("The kernels read without bounds checks, so every length is checked here, once per call.");
        string lengthParameters = string.Join(", ", spans.Select(s => $"int {s.Input}").Concat(outs.Select(o => $"int {o.Output}")).Concat(outs.Select(o => $"int {o.Gradient}")).Concat(gradientSpans.Select(g => $"int {g}")).Concat(new[] { "int saved" }));
        using (w.Block($"private void __CheckLengths(int rows, {lengthParameters})"))
        {
            w.Line($"if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, \"{_layer.ClassName}: rows must not be negative.\");");
            for (int i = 0; i < spans.Count; i++)
            {
                w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"{spans[i].Input}\", {spans[i].Input}, rows * InputRowLength({i}));");
            }

            for (int i = 0; i < outs.Count; i++)
            {
                string rowLength = tuple ? $"OutputRowLength({i})" : "OutputRowLength";
                w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"{outs[i].Output}\", {outs[i].Output}, rows * {rowLength});");
                w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"{outs[i].Gradient}\", {outs[i].Gradient}, rows * {rowLength});");
            }

            for (int i = 0; i < spans.Count; i++)
            {
                if (_plan.InputIsIds(i))
                {
                    continue;
                }

                w.Line($"if ({spans[i].Gradient} != 0) SpanChecks.Length(\"{_layer.ClassName}\", \"{spans[i].Gradient}\", {spans[i].Gradient}, rows * InputRowLength({i}));");
            }

            w.Line($"SpanChecks.MinimumLength(\"{_layer.ClassName}\", \"saved\", saved, SavedLength(rows));");
            foreach (var parameter in _layer.Parameters)
            {
                w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"{parameter.Name}\", {parameter.Name}.Count, {GlueProduct(parameter.Shape.Select(s => s.Symbol is null ? Dim.Const(s.Value) : Dim.Sym(_names.Size(s.Symbol))))});");
            }

            EmitBufferShapeChecks(w);
        }
    }
}
