using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// What the first reading found: the first input's features, the other inputs' (in order; empty for one input), and
/// whether a loss's target holds class indices.
/// </summary>
internal sealed record InferredInput(IReadOnlyList<Dim> Features, bool TargetHoldsIndices)
{
    public IReadOnlyList<IReadOnlyList<Dim>> OtherFeatures { get; init; } = System.Array.Empty<IReadOnlyList<Dim>>();

    /// <summary>
    /// How many feature dimensions the first input's uses require when they fix none of their sizes (<c>Ops.Softmax(x, -1)</c>
    /// with no parameter: one); 0 when its features are fixed, or when the uses require none (an element-wise layer).
    /// </summary>
    public int UnfixedFeatureCount { get; init; }

    /// <summary>True when the uses fix some of the first input's feature dimensions to sizes and leave others unknown (<see cref="Features"/> is then empty).</summary>
    public bool PartlyFixed { get; init; }
}

/// <summary>
/// Shape inference for an input whose features are not declared: the forward is read once with them unknown, by
/// the same methods that build the graph, and every use constrains them (<see cref="ShapeUnifier"/>). The shape
/// helpers here are plain shape rules when building for real (no unknowns exist then).
/// </summary>
internal sealed partial class GraphBuilder
{
    /// <summary>While inferring (the first reading): the unknowns; null when building for real.</summary>
    private readonly ShapeUnifier? _unifier;

    /// <summary>Set while inferring when the target is Pick's second operand.</summary>
    private bool _targetHoldsIndices;

    /// <summary>
    /// The input's features: declared, or inferred from every use of the input — the sizes each use fixes, the
    /// rank the first use that needs one requires (the fewest dimensions it allows). What no use fixes leaves
    /// the layer shape-agnostic (<c>[*]</c>, every element a row), where an axis of the input is then reported.
    /// </summary>
    private static InferredInput InferInput(LayerModel layer, System.Func<string, string> sizeName, System.Func<ChildModel, LayerSignature?> signatureOf)
    {
        var declared = layer.IsLoss ? null : layer.DeclaredInputs;
        if (declared is not null)
        {
            var all = declared.Select(d => (IReadOnlyList<Dim>)d.Features.Select(s => s.ToDim(sizeName)).ToArray()).ToList();
            return new InferredInput(all[0], false) { OtherFeatures = all.Skip(1).ToArray() };
        }

        var unifier = new ShapeUnifier();
        var builder = new GraphBuilder(layer, sizeName, signatureOf, new List<DiagnosticInfo>(), unifier);
        var first = layer.Input is { } known ? known.Features.Select(builder.ToDim).ToArray() : new[] { unifier.NewDims() };
        builder.ReadWithUnknowns(first);

        // Each input on its own: what every use fixes, or shape-agnostic ([*]) when some size stays unknown.
        IReadOnlyList<Dim> Found(int input)
        {
            var shape = unifier.Finish(builder.ShapeOf(builder._graph.Inputs[input]));
            return shape.Dims.Any(d => d.IsVariable) ? System.Array.Empty<Dim>() : shape.Features.ToArray();
        }

        var features = layer.Input is null ? Found(0) : first;
        var others = Enumerable.Range(1, builder._graph.Inputs.Count - 1).Select(Found).ToArray();
        var firstFeatures = unifier.Finish(builder.ShapeOf(builder._graph.Inputs[0])).Features.ToArray();
        int unfixed = layer.Input is null && firstFeatures.Length > 0 && firstFeatures.All(d => d.IsVariable) ? firstFeatures.Length : 0;
        bool partly = layer.Input is null && firstFeatures.Any(d => d.IsVariable) && firstFeatures.Any(d => !d.IsVariable);
        return new InferredInput(features, builder._targetHoldsIndices) { OtherFeatures = others, UnfixedFeatureCount = unfixed, PartlyFixed = partly };
    }

    /// <summary>What the first reading finds about an undeclared input: its features (empty when nothing fixes them), how many of them nothing fixes, and whether a loss's target holds class indices.</summary>
    public static InferredInput InferUndeclaredInput(LayerModel layer, System.Func<ChildModel, LayerSignature?> signatureOf) =>
        InferInput(layer, name => name, signatureOf);

    /// <summary>The first reading: every local and the result, a value that cannot be built yet standing in as unknown.</summary>
    private void ReadWithUnknowns(IReadOnlyList<Dim> features)
    {
        var forward = _layer.Forward;
        AddParameters();
        _graph.Inputs.Add(AddInput(forward.InputName, new Shape(new[] { Dim.Rows }.Concat(features).ToArray())));
        foreach (string other in forward.OtherInputNames)
        {
            _graph.Inputs.Add(AddInput(other, new Shape(new[] { Dim.Rows, _unifier!.NewDims() })));
        }

        if (forward.TargetName is string target)
        {
            _graph.Target = AddLeaf(Op.Target, target, Shape.Of(Dim.Rows, _unifier!.NewDims()));
        }

        foreach (var local in forward.Locals)
        {
            _names[local.Name] = VisitLocalValue(local)!.Value;
        }

        foreach (var result in forward.AllResults)
        {
            Visit(result);
        }
    }

    /// <summary>A value whose shape is not known at all, standing in for what could not be built while inferring.</summary>
    private int Unknown() => _graph.Add(new Node(0, Op.Input, System.Array.Empty<int>(), Shape.Of(_unifier!.NewDims())));

    /// <summary>A node's shape, with what inference has learnt so far substituted.</summary>
    private Shape ShapeOf(int id) => _unifier?.Resolve(_graph[id].Shape) ?? _graph[id].Shape;

    /// <summary>NumPy broadcasting (<see cref="ShapeRules.Broadcast"/>); while inferring, the sizes compared are unified.</summary>
    private Shape? Broadcast(Shape a, Shape b, out string? error) =>
        _unifier is null ? ShapeRules.Broadcast(a, b, out error) : _unifier.Broadcast(a, b, out error);

    /// <summary>Whether two sizes are the same; while inferring, an unknown one becomes the other.</summary>
    private bool SameSize(Dim a, Dim b) => _unifier?.Unify(a, b) ?? a.Equals(b);

    /// <summary>
    /// While inferring: the shape with exactly <paramref name="rank"/> dimensions, for an op that needs the whole shape
    /// (a matrix product, an einsum operand); null when it cannot have it. Building for real: the shape.
    /// </summary>
    private Shape? WithRank(Shape shape, int rank) => _unifier is null ? shape : _unifier.Close(shape, rank);

    /// <summary>
    /// True while inferring when one of the shapes is not fully known: the structural ops (reshape, permute, slice,
    /// join, FFT) then constrain nothing and give a value of unknown shape.
    /// </summary>
    private bool NotKnownYet(IEnumerable<int> args) => _unifier is not null && args.Any(a => ShapeOf(a).Dims.Any(d => d.IsVariable));

    /// <summary>
    /// While inferring, a negative axis of a shape of unknown rank opens as many trailing dimensions as it reaches:
    /// the shape to index is then <see cref="ShapeOf"/> the argument again.
    /// </summary>
    private void OpenForAxis(int arg, int axis)
    {
        if (_unifier is not null && axis < 0)
        {
            _unifier.OpenSuffix(ShapeOf(arg), -axis);
        }
    }

    /// <summary>
    /// While inferring: a slice of an axis counted from the end (<c>x.Narrow(-1, 0, 2)</c>, <c>x.Slice(-1, 1, -1)</c>) opens
    /// that many trailing dimensions before it gives up on a shape not fully known, so that an input nothing else fixes
    /// gets them as sizes of its own (<see cref="RunTimeFeatures"/>) rather than none (where axis -1 would be the batch).
    /// </summary>
    private void OpenAxisRead(CallExpr call, int arg)
    {
        if (call.Op.Construct is Construct.Narrow or Construct.Slice && call.Constants.Count == 3)
        {
            OpenForAxis(arg, call.Constants[0]);
        }
    }

    /// <summary>While inferring: notes that the target is Pick's indices (then it holds one class index per row).</summary>
    private bool IsTargetIndices(int indices)
    {
        if (_unifier is not null && indices == _graph.Target)
        {
            _targetHoldsIndices = true;
            return true;
        }

        return false;
    }
}
