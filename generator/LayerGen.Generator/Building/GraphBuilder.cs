using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Diagnostics;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Model;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>
/// Builds the forward op graph of a layer from its <see cref="ForwardModel"/>, inferring every node's symbolic
/// shape; shape errors become diagnostics on the expression that caused them. Each op of the forward is made by
/// what its row of <see cref="OpTable"/> says: one node of an element-wise function, or the construction of
/// <see cref="Construct"/> (one method each, here and in the other GraphBuilder files).
/// </summary>
/// <remarks>
/// When the input's features are not declared, the forward is read twice by the same code: first with the input
/// as unknowns that every use constrains (<see cref="ShapeUnifier"/>, GraphBuilder.Inference.cs), then for real
/// with the features that reading found. One set of shape rules serves both.
/// </remarks>
internal sealed partial class GraphBuilder
{
    private readonly LayerModel _layer;
    private readonly System.Func<string, string> _sizeName;
    private readonly System.Func<ChildModel, LayerSignature?> _signatureOf;
    private readonly Graph _graph = new();
    private readonly Dictionary<string, int> _names = new();
    private readonly List<DiagnosticInfo> _diagnostics;

    private GraphBuilder(LayerModel layer, System.Func<string, string> sizeName, System.Func<ChildModel, LayerSignature?> signatureOf, List<DiagnosticInfo> diagnostics, ShapeUnifier? unifier)
    {
        _layer = layer;
        _signatureOf = signatureOf;
        _sizeName = sizeName;
        _diagnostics = diagnostics;
        _unifier = unifier;
    }

    /// <param name="layer">The layer.</param>
    /// <param name="sizeName">Maps a size parameter to its C# name in the kernels.</param>
    /// <param name="signatureOf">The signature of a child layer's type, when known.</param>
    /// <param name="diagnostics">Where shape errors go.</param>
    public static Graph? Build(LayerModel layer, System.Func<string, string> sizeName, System.Func<ChildModel, LayerSignature?> signatureOf, List<DiagnosticInfo> diagnostics)
    {
        var input = InferInput(layer, sizeName, signatureOf);
        return new GraphBuilder(layer, sizeName, signatureOf, diagnostics, unifier: null).BuildGraph(input);
    }

    /// <summary>A number of the forward, with a hyperparameter expression's holes filled with the kernels' names.</summary>
    private Number InKernelNames(Number number) =>
        number.Code is { } template ? Number.Symbolic(ScalarReader.Fill(template, _sizeName)) : number;

    private Dim ToDim(SizeRef size) => size.ToDim(_sizeName);

    private Graph? BuildGraph(InferredInput inferred)
    {
        var forward = _layer.Forward;
        AddParameters();
        // Every input has the batch (rows) first: one batch, shared by all of them.
        var inputNames = forward.AllInputNames.ToList();
        for (int i = 0; i < inputNames.Count; i++)
        {
            var features = i == 0 ? inferred.Features : inferred.OtherFeatures[i - 1];
            _graph.Inputs.Add(AddInput(inputNames[i], new Shape(new[] { Dim.Rows }.Concat(features).ToArray())));
        }

        if (forward.TargetName is string target)
        {
            // Class indices (the second operand of Pick) have one value per row; values have the input's shape.
            var input = ShapeOf(_graph.Input);
            if (inferred.TargetHoldsIndices && input.Rank < 2)
            {
                Report(forward.Result, $"class indices pick along the input's last axis, so the input needs one: declare it, e.g. [Loss(Input = \"[*, classes]\")]");
                return null;
            }

            var targetShape = inferred.TargetHoldsIndices ? new Shape(input.Dims.Take(input.Rank - 1).ToArray()) : input;
            _graph.Target = AddLeaf(Op.Target, target, targetShape);
        }

        foreach (var local in forward.Locals)
        {
            int? value = VisitLocalValue(local);
            if (value is null)
            {
                return null;
            }

            _names[local.Name] = value.Value;
            if (!HoldsTuple(local.Name))
            {
                _graph.Statements.Add(new Ir.ForwardStatement(local.Name, value.Value, local.Value.Text));
            }
        }

        foreach (var result in forward.AllResults)
        {
            int? output = Visit(result);
            if (output is null)
            {
                return null;
            }

            if (_layer.IsLoss)
            {
                if (!ShapeOf(output.Value).IsSingleValue)
                {
                    Report(result, $"a loss returns a scalar, but this has shape {ShapeOf(output.Value)}; reduce it, e.g. with .Mean()");
                    return null;
                }
            }
            else if (!ShapeOf(output.Value).HasRows)
            {
                Report(result, $"the result has shape {ShapeOf(output.Value)}, without the batch dimension; a layer must return one row per input row");
                return null;
            }

            _graph.Outputs.Add(output.Value);
            _graph.Statements.Add(new Ir.ForwardStatement(null, output.Value, result.Text));
        }

        foreach (var update in forward.BufferUpdates)
        {
            _graph.BufferUpdates.Add(new KeyValuePair<string, int>(update.Buffer, _names[update.Local]));
        }

        return _graph;
    }

    private void AddParameters()
    {
        // A name declared twice (CS0102, e.g. while typing) keeps its first declaration, whose gradient buffer the kernels get.
        foreach (var parameter in _layer.Parameters.GroupBy(p => p.Name).Select(g => g.First()))
        {
            int id = AddLeaf(Op.Parameter, parameter.Name, new Shape(parameter.Shape.Select(ToDim).ToArray()));
            _graph.Parameters.Add(new KeyValuePair<string, int>(parameter.Name, id));
        }

        foreach (var buffer in _layer.Buffers)
        {
            int id = AddLeaf(Op.Parameter, buffer.Name, new Shape(buffer.Shape.Select(ToDim).ToArray()));
            _graph.Buffers.Add(new KeyValuePair<string, int>(buffer.Name, id));
            if (_layer.Forward.BufferUpdates.Any(u => u.Buffer == buffer.Name))
            {
                // The kernels overwrite it at the end of the forward: everything reads a copy of the old value.
                int snapshot = _graph.Add(Elementwise.Detach, _graph[id].Shape, id);
                _names[buffer.Name] = snapshot;
                _graph.BufferSnapshots.Add(snapshot);
            }
        }
    }

    private int AddLeaf(Op op, string name, Shape shape)
    {
        int id = _graph.Add(new Node(0, op, System.Array.Empty<int>(), shape) { Name = name, Text = name });
        _names[name] = id;
        return id;
    }

    private int? Visit(Expr expr)
    {
        int? id = expr switch
        {
            NameExpr name => _names.TryGetValue(name.Name, out int found) ? (HoldsTuple(name.Name) ? RefuseWholeTuple(name) : RefuseIds(name, found)) : null,
            NumberExpr number => _graph.Add(new Node(0, Op.Constant, System.Array.Empty<int>(), Shape.Scalar) { Value = number.Value, Text = number.Text }),
            ScalarExpr scalar => _graph.Add(new Node(0, Op.Constant, System.Array.Empty<int>(), Shape.Scalar) { Value = InKernelNames(Number.Symbolic(scalar.Template)), Text = scalar.Text }),
            CallExpr call => Call(call),
            ChildCallExpr child => Child(child, wholeTuple: false),
            TupleItemExpr item => TupleItem(item),
            TupleExpr tuple => NotAValue(tuple, "a tuple of tensors can only be what a Forward declared to return several tensors returns"),
            _ => null,
        };

        // While inferring, what cannot be built yet is a value of unknown shape, and reading goes on.
        return id is null && _unifier is not null ? Unknown() : id;
    }

    private int? NotAValue(Expr expr, string why)
    {
        Report(expr, why);
        return null;
    }

    /// <summary>Every operand of a call, or null when one of them could not be built (already reported).</summary>
    private List<int>? VisitAll(CallExpr call)
    {
        var args = new List<int>();
        foreach (var operand in call.Operands)
        {
            if (Visit(operand) is not int id)
            {
                return null;
            }

            args.Add(id);
        }

        return args;
    }

    /// <summary>Makes the nodes of one op, as its row of <see cref="OpTable"/> says.</summary>
    private int? Call(CallExpr call)
    {
        int needed = call.Op.Operands;
        if (call.Operands.Count < needed)
        {
            _diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedExpression,
                call.Location,
                call.Text,
                _layer.ClassName,
                $"'{call.Op.Name}' needs {needed} tensor argument(s) but has {call.Operands.Count}"));
            return null;
        }

        if (!AxesAreConstants(call))
        {
            return null;
        }

        return call.Op.Construct switch
        {
            Construct.Function => Function(call),
            Construct.Square => Square(call),
            Construct.Gelu => Gelu(call),
            Construct.Dropout => Dropout(call),
            Construct.MatMul => MatMul(call),
            Construct.Transposed => TransposeOfMatrix(call),
            Construct.Fresh => Fresh(call),
            Construct.Sum => Reduce(call, mean: false),
            Construct.Mean => Reduce(call, mean: true),
            Construct.Max => Extreme(call, Op.MaxAxis),
            Construct.Min => Extreme(call, Op.MinAxis),
            Construct.Softmax => Softmax(call, log: false),
            Construct.LogSoftmax => Softmax(call, log: true),
            Construct.LogSumExp => LogSumExp(call),
            Construct.Reshape or Construct.Transpose or Construct.Permute or Construct.Narrow or Construct.Slice or Construct.Concat or Construct.Stack => Structural(call),
            Construct.Einsum => Einsum(call),
            Construct.Pick => Pick(call),
            Construct.FftHalf => FftHalf(call),
            Construct.Embedding or Construct.IndexSelect or Construct.Indexed => Gather(call),
            Construct.Expand => Expand(call),
            Construct.ExpandAs => ExpandAs(call),
            Construct.Unsqueeze => Unsqueeze(call),
            Construct.Gather => GatherAlongAxis(call),
            _ => throw new System.InvalidOperationException($"Building has no construction for {call.Op.Construct} ({call.Op})"),
        };
    }

    /// <summary>
    /// The child's input and output features in this layer's terms: its signature with its size
    /// parameters replaced by the arguments it is constructed with.
    /// </summary>
    private (IReadOnlyList<Dim> Input, IReadOnlyList<Dim> Output, IReadOnlyList<IReadOnlyList<Dim>> Others, IReadOnlyList<IReadOnlyList<Dim>> OtherOutputs)? ChildShapes(string name, int argument)
    {
        var child = _layer.Children.FirstOrDefault(c => c.Name == name);
        var signature = child is null ? null : _signatureOf(child);
        if (child is null || signature is null || child.Arguments is not { } arguments || arguments.Count != signature.Sizes.Count - signature.RunTimeSizes.Count)
        {
            return null;
        }

        // The child's sizes (its parameters' names) become the arguments it is constructed with, in this layer's kernels' names;
        // a size it reads from its input at each call becomes the size of the argument at that axis.
        var parameters = signature.Sizes.ToList();
        var atRunTime = ChildRunTimeSizes(signature, argument);
        Dim? Resolve(SizeRef size) =>
            size.Size is { } expression && atRunTime.Count > 0 && expression.Symbols.Any(atRunTime.ContainsKey)
                ? ResolveRunTimeSize(expression, atRunTime, s => parameters.IndexOf(s) is int i && i >= 0 && i < arguments.Count ? arguments[i].Size?.Rename(_sizeName) : null)
            : size.Size is { } given && given.Symbols.All(parameters.Contains) && given.Symbols.All(s => arguments[parameters.IndexOf(s)].Size is not null)
                ? Dim.Of(given.Substitute(s => arguments[parameters.IndexOf(s)].Size!.Rename(_sizeName)))
                : null;

        var input = signature.InputFeatures.Select(Resolve).ToList();
        var output = signature.OutputFeatures.Select(Resolve).ToList();
        if (input.Concat(output).Any(d => d is null))
        {
            return null;
        }

        var others = signature.OtherInputFeatures.Select(f => f.Select(Resolve).ToList()).ToList();
        var otherOutputs = signature.OtherOutputFeatures.Select(f => f.Select(Resolve).ToList()).ToList();
        if (others.Concat(otherOutputs).Any(f => f.Any(d => d is null)))
        {
            return null;
        }

        return (input.Select(d => d!.Value).ToArray(), output.Select(d => d!.Value).ToArray(),
            others.Select(f => (IReadOnlyList<Dim>)f.Select(d => d!.Value).ToArray()).ToArray(),
            otherOutputs.Select(f => (IReadOnlyList<Dim>)f.Select(d => d!.Value).ToArray()).ToArray());
    }

    /// <param name="wholeTuple">True where a child's whole tuple may stand (a local's value, an element's source).</param>
    private int? Child(ChildCallExpr call, bool wholeTuple)
    {
        var idsInputs = ChildIdsInputs(call.Child);
        int? arg = idsInputs.Contains(0) ? VisitIds(call.Input, $"'{call.Child}'") : Visit(call.Input);
        if (arg is null)
        {
            return null;
        }

        string name = call.Child;
        var shapes = ChildShapes(name, arg.Value);
        var child = _layer.Children.First(c => c.Name == name);

        int arguments = call.OtherInputs.Count + 1;
        int takes = _signatureOf(child)?.InputCount ?? 1;
        if (takes != arguments)
        {
            Report(call, $"'{name}' ({child.TypeFullName}) takes {takes} input{(takes == 1 ? string.Empty : "s")}, so it is called with {takes} argument{(takes == 1 ? string.Empty : "s")}");
            return null;
        }

        if (_signatureOf(child) is { OutputCount: > 1 } tuple && !wholeTuple)
        {
            Report(call, $"'{name}' ({child.TypeFullName}) returns {tuple.OutputCount} tensors, not one: take them apart, e.g. 'var (output, state) = {call.Text};'");
            return null;
        }

        if (shapes is not { } known)
        {
            // A child of this compilation constructed from readable sizes has no signature only when it does not
            // compile itself: say so rather than suggest a fix to a construction that is right.
            Report(call, child is { DeclaredHere: true, Arguments: not null }
                ? $"child layer '{name}' ({child.TypeFullName}) does not compile (see its own errors), so its shapes are unknown; this layer is checked once it does"
                : $"the shapes of child layer '{name}' ({child.TypeFullName}) are unknown; initialise it with 'new {child.TypeFullName}(...)' whose sizes are constants or this layer's sizes");
            return null;
        }

        var shape = _unifier?.OpenSuffix(ShapeOf(arg.Value), known.Input.Count) ?? ShapeOf(arg.Value);
        int leading = shape.Rank - known.Input.Count;
        bool fits = leading >= 1 && shape.HasRows && shape.Dims.Skip(leading).Zip(known.Input, SameSize).All(same => same);
        if (!fits)
        {
            Report(call, $"'{name}' expects an input of shape {new Shape(new[] { Dim.Rows }.Concat(known.Input).ToArray())} but gets {shape}");
            return null;
        }

        // The other arguments: each ends with its input's features, after the same batch as the first.
        var args = new List<int> { arg.Value };
        for (int i = 0; i < call.OtherInputs.Count; i++)
        {
            if ((idsInputs.Contains(i + 1) ? VisitIds(call.OtherInputs[i], $"'{call.Child}'") : Visit(call.OtherInputs[i])) is not int other)
            {
                return null;
            }

            var features = known.Others[i];
            var otherShape = _unifier?.OpenSuffix(ShapeOf(other), features.Count) ?? ShapeOf(other);
            // The same batch: while inferring, the unknown leading dimensions of both become one (as broadcasting does).
            var batch = new Shape(shape.Dims.Take(leading).ToArray());
            var otherBatch = new Shape(otherShape.Dims.Take(System.Math.Max(0, otherShape.Rank - features.Count)).ToArray());
            bool sameBatch = _unifier is null ? otherBatch.Equals(batch) : _unifier.Broadcast(otherBatch, batch, out _) is not null;
            otherShape = ShapeOf(other);
            bool otherFits = sameBatch && otherShape.Rank == leading + features.Count
                && otherShape.Dims.Skip(leading).Zip(features, SameSize).All(same => same);
            if (!otherFits)
            {
                var expected = new Shape(shape.Dims.Take(leading).Concat(features).ToArray());
                Report(call, $"'{name}' expects its argument {i + 2} of shape {expected} (the first argument's batch, then its features) but gets {otherShape}");
                return null;
            }

            args.Add(other);
        }

        var output = new Shape(shape.Dims.Take(leading).Concat(known.Output).ToArray());
        int result = _graph.Add(new Node(0, Op.ChildCall, args, output) { Name = name, ChildInput = new Shape(known.Input), Text = call.Text, ChildReadsFeatures = _signatureOf(child)!.RunTimeSizes.Count > 0 });
        if (!ToldOneWidth(call, result))
        {
            return null;
        }

        return known.OtherOutputs.Count == 0
            ? result
            : AddTupleResults(result, known.OtherOutputs.Select(f => new Shape(shape.Dims.Take(leading).Concat(f).ToArray())).ToList(), call);
    }

    /// <summary>Mean = sum × (1 / count): sugar lowered to primitives.</summary>
    private int Scale(int sum, Shape countOf, CallExpr call)
    {
        int inverse = _graph.Add(new Node(0, Op.InverseCount, System.Array.Empty<int>(), Shape.Scalar) { CountOf = countOf });
        return _graph.Add(new Node(0, Op.Elementwise, new[] { sum, inverse }, ShapeOf(sum)) { Function = Elementwise.Mul, Text = call.Text });
    }

    private int Reshape(int arg, Shape shape) => _graph.Add(Op.Reshape, shape, arg);

    private void Report(Expr expr, string message, LocationInfo? location = null) =>
        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeMismatch, location ?? expr.Location, expr.Text, message));
}
