using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Emits the structural ops as plain loop nests: permutations, slices and their adjoint, joins,
/// max/min along an axis and their adjoint, dropout masks, and FFTs (through the runtime's plans).
/// Einsum has its own emitter.
/// </summary>
internal sealed class StructuralEmitter
{
    private readonly KernelPlan _plan;

    public StructuralEmitter(KernelPlan plan) => _plan = plan;

    private Graph Graph => _plan.Graph;

    /// <param name="w">Where the code goes.</param>
    /// <param name="step">The op and its target.</param>
    /// <param name="overwriteFlag">For an einsum that is the first write of a parameter gradient: the kernel
    /// parameter saying its contents count as zeros (see <see cref="MatMulEmitter.Emit"/>).</param>
    public void Emit(SourceWriter w, StructuralStep step, string? overwriteFlag = null)
    {
        var node = Graph[step.Node];
        var target = step.Target;
        string t = target.Buffer.Name;
        string assign = target.Accumulate ? "+=" : "=";
        string Arg(int i) => _plan.Buffers[node.Args[i]].Name;
        Shape ArgShape(int i) => _plan.Buffers[node.Args[i]].Shape;
        string source = node.Text.Length > 0 ? $"      (from: {node.Text})" : string.Empty;

        switch (node.Op)
        {
            case Op.Einsum:
                new EinsumEmitter(_plan).Emit(w, step, overwriteFlag);
                return;
            case Op.DropoutMask:
                w.Comment($"{t} = dropout mask, p = {FusedChain.DescribeNumber(node.Value)}: 0, or 1/(1 - p) for kept elements; all ones in eval mode   {node.Shape}");
                if (node.Value.Code is { } probability)
                {
                    // A probability from the constructor's parameters is checked here, where its value is known (a
                    // constant one was checked at compile time). NaN fails the check, as torch refuses it.
                    w.Line($"if (!({FusedChain.FloatCode(node.Value)} is >= 0f and < 1f)) throw new ArgumentOutOfRangeException(\"p\", {FusedChain.FloatCode(node.Value)}, \"the dropout probability {probability.Replace("\"", "'")} must be in [0, 1), as torch's dropout requires\");");
                }

                w.Line($"KernelMath.DropoutMask({t}.Slice(0, {node.Shape.CountCode}), {FusedChain.FloatCode(node.Value)}, training);");
                return;
            case Op.FftHalf:
                w.Comment($"{t} = first half of the DFT of {Arg(0)} along its last axis, (re, im) pairs{source}   {node.Shape}");
                w.Line($"FourierKernels.FftHalf({Rows(ArgShape(0))}, {ArgShape(0).Last.Code}, {Arg(0)}, {t});");
                return;
            case Op.FftHalfAdjoint:
                w.Comment($"{t} {assign} adjoint DFT of {Arg(0)} (the gradient of FftHalf)   {node.Shape}");
                ClearUnlessAccumulating(w, target);
                w.Line($"FourierKernels.FftHalfAdjoint({Rows(node.Shape)}, {node.Shape.Last.Code}, {Arg(0)}, {t});");
                return;
            case Op.Permute:
                w.Comment($"{t} {assign} {Arg(0)} with axes ({string.Join(", ", node.Ints)}){source}   {node.Shape}");
                using (w.Block())
                {
                    LoopNest.Emit(w, LoopNest.Sizes(node.Shape), "i", c =>
                    {
                        var input = new string[node.Shape.Rank];
                        for (int d = 0; d < node.Shape.Rank; d++)
                        {
                            input[node.Ints[d]] = c[d];
                        }

                        w.Line($"{t}[{LoopNest.Index(node.Shape, c)}] {assign} {Arg(0)}[{LoopNest.Index(ArgShape(0), input)}];");
                    });
                }

                return;
            case Op.Slice:
                w.Comment($"{t} {assign} {Arg(0)}, elements [{node.Start}, {Dim.Of(node.Start.AsSize + node.Shape[node.Ints[0]].AsSize)}) of axis {node.Ints[0]}{source}   {node.Shape}");
                using (w.Block())
                {
                    LoopNest.Emit(w, LoopNest.Sizes(node.Shape), "i", c =>
                        w.Line($"{t}[{LoopNest.Index(node.Shape, c)}] {assign} {Arg(0)}[{LoopNest.Index(ArgShape(0), Offset(c, node.Ints[0], node.Start))}];"));
                }

                return;
            case Op.SliceGrad:
                w.Comment($"{t} += {Arg(0)} placed at [{node.Start}, …) of axis {node.Ints[0]} (the gradient of a slice)   {node.Shape}");
                ClearUnlessAccumulating(w, target);
                using (w.Block())
                {
                    LoopNest.Emit(w, LoopNest.Sizes(ArgShape(0)), "i", c =>
                        w.Line($"{t}[{LoopNest.Index(node.Shape, Offset(c, node.Ints[0], node.Start))}] += {Arg(0)}[{LoopNest.Index(ArgShape(0), c)}];"));
                }

                return;
            case Op.Concat:
                w.Comment($"{t} {assign} {string.Join(", ", node.Args.Select((_, i) => Arg(i)))} joined along axis {node.Ints[0]}{source}   {node.Shape}");
                var offset = Dim.Const(0);
                for (int i = 0; i < node.Args.Count; i++)
                {
                    var start = offset;
                    int index = i;
                    using (w.Block())
                    {
                        LoopNest.Emit(w, LoopNest.Sizes(ArgShape(index)), "i", c =>
                            w.Line($"{t}[{LoopNest.Index(node.Shape, Offset(c, node.Ints[0], start))}] {assign} {Arg(index)}[{LoopNest.Index(ArgShape(index), c)}];"));
                    }

                    offset = Dim.Of(offset.AsSize + ArgShape(i)[node.Ints[0]].AsSize);
                }

                return;
            case Op.Pick:
            {
                string classes = ArgShape(0).Last.Code;
                w.Comment($"{t} {assign} {Arg(0)}[..., {Arg(1)}[...]]: the element at each row's index{source}   {node.Shape}");
                using (w.Block($"for (int o = 0; o < {node.Shape.CountCode}; o++)"))
                {
                    w.Line($"int index = KernelMath.Index({Arg(1)}[o], {classes});");
                    w.Line($"{t}[o] {assign} {Arg(0)}[o * {classes} + index];");
                }

                return;
            }

            case Op.PickGrad:
            {
                string classes = node.Shape.Last.Code;
                w.Comment($"{t} += {Arg(0)} at each row's index {Arg(1)} (the gradient of Pick)   {node.Shape}");
                ClearUnlessAccumulating(w, target);
                using (w.Block($"for (int o = 0; o < {Shape.ProductCode(node.Shape.Dims.Take(node.Shape.Rank - 1))}; o++)"))
                {
                    w.Line($"{t}[o * {classes} + KernelMath.Index({Arg(1)}[o], {classes})] += {Arg(0)}[o];");
                }

                return;
            }

            case Op.GatherRows:
            case Op.ScatterAddRows:
                EmitRowIndexing(w, node, target, Arg(0), Arg(1), source);
                return;
            case Op.GatherAxis:
            case Op.ScatterAddAxis:
                EmitAxisIndexing(w, node, target, Arg(0), Arg(1), source);
                return;
            case Op.MaxAxis:
            case Op.MinAxis:
                EmitExtreme(w, node, t, assign, Arg(0), ArgShape(0), source);
                return;
            case Op.ExtremeGrad:
                EmitExtremeGrad(w, node, target, Arg(0), Arg(1), Arg(2));
                return;
        }

        w.Comment($"unsupported op {node.Op}");
        w.Line($"throw new NotSupportedException(\"LayerGen: {node.Op} has no kernel\");");
    }

    /// <summary>
    /// A row gather (<c>weight[ids]</c>) or its adjoint through the runtime's <c>IndexKernels</c>: one block copy (or add) per
    /// id, each id checked against the rows as it is read, so an out-of-range id is an error naming it, its position and
    /// the bound, with the same message as the eager op's (the owner is the op's name there).
    /// </summary>
    private void EmitRowIndexing(SourceWriter w, Node node, Target target, string values, string ids, string source)
    {
        string t = target.Buffer.Name;
        bool gather = node.Op == Op.GatherRows;
        var table = gather ? _plan.Buffers[node.Args[0]].Shape : node.Shape;
        string rows = table[0].Code;
        string rowLength = Shape.ProductCode(table.Dims.Skip(1));
        string wraps = node.Ints.Count > 0 && node.Ints[0] == 1 ? "true" : "false";
        string owner = Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(node.Name, quote: true);
        if (gather)
        {
            w.Comment($"{t} = rows {ids}[...] of {values}{source}   {node.Shape}");
            if (target.Accumulate)
            {
                w.Line("throw new NotSupportedException(\"LayerGen: a row gather into an accumulated buffer\");");
                return;
            }

            w.Line($"IndexKernels.GatherRows({owner}, {values}, {rows}, {rowLength}, {ids}, {t}.Slice(0, {node.Shape.CountCode}), negativeWraps: {wraps});");
            return;
        }

        w.Comment($"{t} += each row of {values} added at row {ids}[...] (the gradient of a row gather; a repeated id adds up)   {node.Shape}");
        ClearUnlessAccumulating(w, target);
        w.Line($"IndexKernels.ScatterAddRows({owner}, {values}.Slice(0, {_plan.Buffers[node.Args[0]].Shape.CountCode}), {rows}, {rowLength}, {ids}, {t}, negativeWraps: {wraps});");
    }

    /// <summary>
    /// <c>torch.gather</c> along an axis, or its adjoint, through the runtime's <c>IndexKernels</c> (as the eager op):
    /// x seen as [outer, n, inner] around the axis, the index as [outer, k, inner]; each index checked as it is read.
    /// </summary>
    private void EmitAxisIndexing(SourceWriter w, Node node, Target target, string values, string index, string source)
    {
        string t = target.Buffer.Name;
        bool gather = node.Op == Op.GatherAxis;
        var x = gather ? _plan.Buffers[node.Args[0]].Shape : node.Shape;
        var gathered = gather ? node.Shape : _plan.Buffers[node.Args[0]].Shape;
        int axis = node.Ints[0];
        string outer = Shape.ProductCode(x.Dims.Take(axis));
        string inner = Shape.ProductCode(x.Dims.Skip(axis + 1));
        string n = x[axis].Code;
        if (gather)
        {
            w.Comment($"{t} = {values} gathered along axis {axis} at {index}[...]{source}   {node.Shape}");
            if (target.Accumulate)
            {
                w.Line("throw new NotSupportedException(\"LayerGen: a gather into an accumulated buffer\");");
                return;
            }

            w.Line($"IndexKernels.GatherAlongAxis(\"Gather\", {values}.Slice(0, {x.CountCode}), {outer}, {n}, {inner}, {index}, {t}.Slice(0, {gathered.CountCode}));");
            return;
        }

        w.Comment($"{t} += {values} added along axis {axis} at {index}[...] (the gradient of Gather; a repeated index adds up)   {node.Shape}");
        ClearUnlessAccumulating(w, target);
        w.Line($"IndexKernels.ScatterAddAlongAxis(\"Gather\", {values}.Slice(0, {gathered.CountCode}), {outer}, {n}, {inner}, {index}, {t}.Slice(0, {x.CountCode}));");
    }

    private static string Rows(Shape shape) => Shape.ProductCode(shape.Dims.Take(shape.Rank - 1));

    private static string[] Offset(string[] coordinates, int axis, Dim start)
    {
        var shifted = (string[])coordinates.Clone();
        if (!start.Equals(Dim.Const(0)))
        {
            shifted[axis] = $"({coordinates[axis]} + {start.Code})";
        }

        return shifted;
    }

    private static void ClearUnlessAccumulating(SourceWriter w, Target target)
    {
        if (!target.Accumulate)
        {
            w.Line($"{target.Buffer.Name}.Clear();");
        }
    }

    /// <summary>The input seen as [outer, length, inner] around the axis.</summary>
    private static (string Outer, string Length, string Inner) AroundAxis(Shape shape, int axis) =>
        (Shape.ProductCode(shape.Dims.Take(axis)), shape[axis].Code, Shape.ProductCode(shape.Dims.Skip(axis + 1)));

    private static void EmitExtreme(SourceWriter w, Node node, string t, string assign, string x, Shape shape, string source)
    {
        bool max = node.Op == Op.MaxAxis;
        var (outer, length, inner) = AroundAxis(shape, node.Ints[0]);
        w.Comment($"{t} {assign} {(max ? "max" : "min")} of {x} along axis {node.Ints[0]}{source}   {node.Shape}");
        using (w.Block($"for (int o = 0; o < {outer}; o++)"))
        {
            using (w.Block($"for (int c = 0; c < {inner}; c++)"))
            {
                w.Line($"float best = {x}[o * {length} * {inner} + c];");
                using (w.Block($"for (int k = 1; k < {length}; k++)"))
                {
                    w.Line($"float value = {x}[(o * {length} + k) * {inner} + c];");
                    w.Line($"if (value {(max ? ">" : "<")} best || float.IsNaN(value)) best = value;");
                }

                w.Line($"{t}[o * {inner} + c] {assign} best;");
            }
        }
    }

    private static void EmitExtremeGrad(SourceWriter w, Node node, Target target, string x, string extreme, string g)
    {
        string t = target.Buffer.Name;
        var shape = node.Shape;
        var (outer, length, inner) = AroundAxis(shape, node.Ints[0]);
        w.Comment($"{t} += {g} at the first position of each extreme of {x} along axis {node.Ints[0]}   {shape}");
        ClearUnlessAccumulating(w, target);
        using (w.Block($"for (int o = 0; o < {outer}; o++)"))
        {
            using (w.Block($"for (int c = 0; c < {inner}; c++)"))
            {
                w.Line($"float best = {extreme}[o * {inner} + c];");
                using (w.Block($"for (int k = 0; k < {length}; k++)"))
                {
                    w.Line($"int index = (o * {length} + k) * {inner} + c;");
                    using (w.Block($"if ({x}[index] == best || (float.IsNaN(best) && float.IsNaN({x}[index])))"))
                    {
                        w.Line($"{t}[index] += {g}[o * {inner} + c];");
                        w.Line("break;");
                    }
                }
            }
        }
    }
}
