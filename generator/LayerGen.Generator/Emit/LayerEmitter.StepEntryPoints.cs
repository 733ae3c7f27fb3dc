using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Emit;

// The way in for the generated whole-model training step (TrainingStepEmitter): per constant-size kernel, internal
// methods that run it as the span API does, minus the span API's length checks, which the step makes once for the model.
internal sealed partial class LayerEmitter
{
    /// <summary>
    /// The kernels a generated training step may call, one per constant specialisation (or the only kernel of a layer
    /// without sizes); empty when the layer has none a step can call. Filled by <see cref="EmitStepEntryPoints"/>.
    /// </summary>
    public EquatableArray<StepEntry> StepEntries { get; private set; } = EquatableArray<StepEntry>.Empty;

    /// <summary>
    /// Whether a generated step can call this layer's kernels: a layer of one float input and output (not a loss, not a
    /// built-in of LayerGen.dll), with constant-size kernels, that code anywhere in the assembly can name (the step lives
    /// elsewhere in it: a layer nested in a class is one when neither it nor a class around it is private or protected).
    /// A generic layer's step names the type a construction made, type arguments included (<see cref="StepEntry.Generic"/>).
    /// Its parameters, buffers, hyperparameters, children and train/eval mode are the entry points' to pass, as the span
    /// API passes them.
    /// </summary>
    private bool HasStepEntryPoints =>
        !_builtIn
        && !_layer.IsLoss
        && _layer.ReachableFromAssembly
        && (HasRunTimeFeatures ? KeepsItsRunTimeWidth : HasSizes ? _specialisations.Count > 0 : true);

    /// <summary>
    /// A layer whose only size is its input's width, read at run time, and whose output rows are as wide as its input's
    /// (<c>x.Softmax(-1)</c> with nothing declared): in a <c>Sequential</c> the width is the layer before it's, known when the
    /// step is generated, so the step can call its run-time kernel (with the width it was told, which the step checks).
    /// </summary>
    private bool KeepsItsRunTimeWidth
    {
        get
        {
            var input = _plan.Graph[_plan.Graph.Input].Shape.Features.ToList();
            return TellsRowLength
                && _layer.SizeParameters.Count == 1
                && input.Count == 1
                && input.SequenceEqual(_plan.Graph[_plan.Graph.Output].Shape.Features);
        }
    }

    /// <summary>
    /// Emits, per constant kernel, <c>__StepSavedLength…</c>, <c>__StepForward…</c>, <c>__StepBackward…</c> and (when the
    /// layer has it) <c>__StepBackwardIntoParameters…</c>: each the body of the span API's case for that kernel, with the
    /// checks of the parameters' and buffers' lengths (a field the user's own code reassigns is seen nowhere else) but
    /// not of the spans, which the step lays out itself. Internal: only the assembly's generated step calls them.
    /// </summary>
    private void EmitStepEntryPoints(SourceWriter w, bool gradientsMayGoIntoParameters)
    {
        if (!HasStepEntryPoints)
        {
            return;
        }

        string parameterData = ParameterData();
        string parameterGrads = GradientArguments();
        var entries = new List<StepEntry>();
        var kernels = HasRunTimeFeatures
            ? new[] { (Sizes: EquatableArray<int>.Empty, Class: RuntimeKernelClass, Suffix: "_RunTimeWidth", Name: $"{_layer.ClassName}[run-time sizes]{ScalarMark}") }
            : HasSizes
                ? _specialisations.Select(s => (Sizes: s, Class: KernelClassName(s), Suffix: "_" + SizesStructName(s).Substring("Sizes_".Length), Name: $"{_layer.ClassName}[{SizeList(s)}]{ScalarMark}"))
                : new[] { (Sizes: EquatableArray<int>.Empty, Class: RuntimeKernelClass, Suffix: string.Empty, Name: _layer.ClassName + ScalarMark) };

        // The run-time kernel takes the width the layer was told (its size field) before the children, as the span API passes it.
        string leading = HasRunTimeFeatures ? string.Join(", ", SizeNames.Select(s => "__" + s)) + ", " + ChildArguments : ChildArguments;
        foreach (var (sizes, k, suffix, kernelName) in kernels)
        {
            w.Line();
            w.Comment($"The generated training step's way in to the kernel of {(HasRunTimeFeatures ? "the width it was told" : HasSizes ? SizeList(sizes) : "this layer")}: what the span API runs for it,\nwithout the spans' length checks (the step lays the spans out and checks the model's input once).");
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.Line($"internal int __StepSavedLength{suffix}(int rows) => {k}.SavedLength({leading}rows);");
            w.Line();
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            using (w.Block($"internal void __StepForward{suffix}(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved)"))
            {
                EmitStateLengthChecks(w);
                w.Line($"{k}.Forward({leading}rows, input, {parameterData}output, saved{Training});");
            }

            w.Line();
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            using (w.Block($"internal void __StepBackward{suffix}(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved)"))
            {
                EmitStateLengthChecks(w);
                EmitTakeGradients(w);
                w.Line($"{k}.Backward({leading}rows, input, {parameterData}output, outputGrad, inputGrad, {parameterGrads}saved{ChildBackwardFlag(false)});");
            }

            if (gradientsMayGoIntoParameters)
            {
                string intoParameters = string.Concat(_layer.Parameters.Select(p => $"{p.Name}.RequiresGrad ? {p.Name}.Data : null, "))
                    + string.Concat(_layer.Parameters.Select(_ => "false, ")) + "saved" + ChildBackwardFlag(true);
                var pairs = Pairs(_layer.Parameters.Select(p => p.Name).ToList()).Select(p => $"ReferenceEquals({p.First}, {p.Second})").ToList();
                w.Line();
                w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
                using (w.Block($"internal void __StepBackwardIntoParameters{suffix}(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved)"))
                {
                    EmitStateLengthChecks(w);
                    if (pairs.Count > 0)
                    {
                        w.Line($"if ({string.Join(" || ", pairs)}) throw new InvalidOperationException(\"{_layer.ClassName}: two of its parameters are one tensor, so its backward cannot add gradients into them (the first written would change a value the other's gradient reads).\");");
                    }

                    w.Line($"{k}.Backward({leading}rows, input, {parameterData}output, outputGrad, inputGrad, {intoParameters});");
                }
            }

            entries.Add(new StepEntry(
                _layer.FullName,
                sizes,
                kernelName,
                suffix,
                HasRunTimeFeatures ? 0 : RowLength(_plan.Graph[_plan.Graph.Input].Shape, sizes),
                HasRunTimeFeatures ? 0 : RowLength(_plan.Graph[_plan.Graph.Output].Shape, sizes),
                gradientsMayGoIntoParameters)
            {
                Generic = _layer.IsGeneric,
                RunTimeWidth = HasRunTimeFeatures,
            });
        }

        StepEntries = entries.ToEquatableArray();
    }

    /// <summary>
    /// The kernels of a layer that takes ids (one ids input, one output: an <c>IIdsLayer</c>) that a step may run first in a
    /// <c>Sequential</c>: through its <c>IIdsLayer</c> span API, as the <c>Sequential</c> calls it, so no entry points; recorded
    /// for the step's key and layout (kernel name, ids per row, floats per output row). Under the conditions of
    /// <see cref="HasStepEntryPoints"/>.
    /// </summary>
    private void RecordIdsStepEntries()
    {
        if (_builtIn || _layer.IsLoss || !_layer.ReachableFromAssembly || HasRunTimeFeatures || (HasSizes && _specialisations.Count == 0))
        {
            return;
        }

        var kernels = HasSizes
            ? _specialisations.Select(s => (Sizes: s, Name: $"{_layer.ClassName}[{SizeList(s)}]{ScalarMark}")).ToList()
            : new List<(EquatableArray<int> Sizes, string Name)> { (EquatableArray<int>.Empty, _layer.ClassName + ScalarMark) };
        var graph = _plan.Graph;
        StepEntries = kernels
            .Select(k => new StepEntry(_layer.FullName, k.Sizes, k.Name, string.Empty, RowLength(graph[graph.Input].Shape, k.Sizes), RowLength(graph[graph.Output].Shape, k.Sizes), IntoParameters: false)
            {
                Generic = _layer.IsGeneric,
                TakesIds = true,
            })
            .ToEquatableArray();
    }

    /// <summary>The checks of the parameters' and buffers' lengths that <c>__CheckLengths</c> makes on every span call.</summary>
    private void EmitStateLengthChecks(SourceWriter w)
    {
        foreach (var parameter in _layer.Parameters)
        {
            w.Line($"SpanChecks.Length(\"{_layer.ClassName}\", \"{parameter.Name}\", {parameter.Name}.Count, {GlueProduct(parameter.Shape.Select(s => s.ToDim(_names.Size)))});");
        }

        EmitBufferShapeChecks(w);
    }

    /// <summary>Floats of one row of <paramref name="shape"/> for the constant <paramref name="sizes"/> (in <see cref="SizeNames"/>' order).</summary>
    private int RowLength(Shape shape, EquatableArray<int> sizes)
    {
        var names = SizeNames.ToList();
        long length = 1;
        foreach (var dim in shape.Features)
        {
            length *= dim.Kind == DimKind.Const ? dim.Value : dim.AsSize.Evaluate(name => sizes[names.IndexOf(name)]);
        }

        return checked((int)length);
    }
}
