using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Parsing;

namespace LayerGen.Generator.Building;

/// <summary>Einsum: the equation is parsed and checked against the operand shapes at compile time.</summary>
internal sealed partial class GraphBuilder
{
    private int? Einsum(CallExpr call)
    {
        if (call.Literal is null)
        {
            Report(call, "the einsum equation must be a constant string, e.g. \"ijk,bi,bj->bk\"");
            return null;
        }

        var equation = EinsumEquation.Parse(call.Literal, out string? error);
        if (equation is null)
        {
            Report(call, error!, call.LiteralLocation);
            return null;
        }

        if (equation.Inputs.Count != call.Operands.Count || call.Operands.Count > 4)
        {
            Report(call, $"'{call.Literal}' has {equation.Inputs.Count} operand subscript(s) but {call.Operands.Count} operand(s) were given (at most 4)", call.LiteralLocation);
            return null;
        }

        if (VisitAll(call) is not { } args)
        {
            return null;
        }

        var sizes = new Dictionary<char, Dim>();
        for (int i = 0; i < args.Count; i++)
        {
            // While inferring, an operand of unknown rank has its subscript's.
            var shape = WithRank(ShapeOf(args[i]), equation.Inputs[i].Length) ?? ShapeOf(args[i]);
            string subscript = equation.Inputs[i];
            if (subscript.Length != shape.Rank)
            {
                Report(call, $"operand {i + 1} has shape {shape} (rank {shape.Rank}) but its subscript '{subscript}' has {subscript.Length} letters", call.LiteralLocation);
                return null;
            }

            for (int d = 0; d < subscript.Length; d++)
            {
                if (sizes.TryGetValue(subscript[d], out var known) && !SameSize(known, shape[d]))
                {
                    Report(call, $"letter '{subscript[d]}' is {known} in one operand but {shape[d]} in operand {i + 1} ({shape})", call.LiteralLocation);
                    return null;
                }

                sizes[subscript[d]] = _unifier?.Resolve(shape[d]) ?? shape[d];
            }
        }

        var missing = equation.Output.Where(c => !sizes.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            Report(call, $"output letter(s) '{string.Join(string.Empty, missing)}' appear in no operand", call.LiteralLocation);
            return null;
        }

        var result = new Shape(equation.Output.Select(c => sizes[c]).ToArray());
        if (sizes.Values.Any(d => d.Kind == DimKind.Rows) && (result.Rank == 0 || !result.HasRows))
        {
            Report(call, $"the batch letter must be the first letter of the output, so the layer returns one row per input row (result {result})", call.LiteralLocation);
            return null;
        }

        if (args.Count <= 2)
        {
            return _graph.Add(new Node(0, Op.Einsum, args, result) { Equation = equation.ToString(), Text = call.Text });
        }

        // Three or more operands: a chain of pairwise contractions (see EinsumPairing).
        var nodes = args.ToList();
        var subscripts = equation.Inputs.ToList();
        int last = -1;
        foreach (var step in EinsumPairing.Plan(equation.Inputs, equation.Output, sizes))
        {
            var shape = new Shape(step.Result.Select(c => sizes[c]).ToArray());
            string pair = $"{subscripts[step.Left]},{subscripts[step.Right]}->{step.Result}";
            last = _graph.Add(new Node(0, Op.Einsum, new[] { nodes[step.Left], nodes[step.Right] }, shape) { Equation = pair, Text = call.Text });
            nodes.Add(last);
            subscripts.Add(step.Result);
        }

        return last;
    }
}
