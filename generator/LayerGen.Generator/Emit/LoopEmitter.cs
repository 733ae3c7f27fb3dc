using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Prints element-wise, copy and reduction steps as the loop nests Lowering chose (<see cref="LoopChoice"/>): flat,
/// outer × inner (inner vectorised with a scalar tail), row or column sums, or a scalar nest over every dimension.
/// </summary>
internal sealed class LoopEmitter
{
    private const string Width = "Vector<float>.Count";
    private readonly KernelPlan _plan;

    public LoopEmitter(KernelPlan plan) => _plan = plan;

    public void Elementwise(SourceWriter w, ElementwiseStep step)
    {
        var chain = new FusedChain(_plan, step.Root, expandRoot: true);
        var target = step.Target;
        string assign = target.Accumulate ? "+=" : "=";
        var node = _plan.Graph[step.Root];
        w.Comment($"{target.Buffer.Name} {assign} {chain.Describe(Describe)}{Source(node)}   {target.Buffer.Shape}");
        EmitMap(w, chain, _plan.Loops[step], node.Shape, target);
    }

    public void Copy(SourceWriter w, CopyStep step)
    {
        var target = step.Target;
        string assign = target.Accumulate ? "+=" : "=";
        var sourceBuffer = _plan.Buffers[step.Source];
        w.Comment($"{target.Buffer.Name} {assign} {sourceBuffer.Name}   {target.Buffer.Shape}");
        var chain = new FusedChain(_plan, step.Source, expandRoot: false);
        EmitMap(w, chain, _plan.Loops[step], target.Buffer.Shape, target);
    }

    public void Reduce(SourceWriter w, ReduceStep step)
    {
        var node = _plan.Graph[step.Reduce];
        var target = step.Target;
        int input = node.Args[0];
        var inputShape = _plan.Graph[input].Shape;
        var chain = new FusedChain(_plan, input, expandRoot: false);
        string assign = target.Accumulate ? "+=" : "=";
        w.Comment($"{target.Buffer.Name} {assign} sum of {chain.Describe(Describe)} {inputShape} down to {node.Shape}{Source(node)}");
        var choice = _plan.Loops[step];
        var operands = new Operands(_plan, choice, inputShape);
        string t = target.Buffer.Name;

        using (w.Block())
        {
            chain.DeclareConstants(w, choice.Vector);
            switch (choice.Order)
            {
                case LoopOrder.Flat:
                    operands.HoistSingles(w);
                    w.Line($"int n = {inputShape.CountCode};");
                    w.Line("int i = 0;");
                    SumVectors(w, "i", "n", choice, (lanes, at) => chain.Code(lanes, id => operands.ReadFlat(id, lanes, at)));
                    using (w.Block("for (; i < n; i++)"))
                    {
                        w.Line($"sum += {chain.Code(false, id => operands.ReadFlat(id, false, "i"))};");
                    }

                    w.Line($"{t}[0] {assign} sum;");
                    return;

                case LoopOrder.RowSums:
                case LoopOrder.ColumnSums:
                    if (choice.Order == LoopOrder.ColumnSums && !target.Accumulate)
                    {
                        w.Line($"{t}.Clear();");
                    }

                    operands.HoistSingles(w);
                    using (w.Block($"for (int o = 0; o < {operands.OuterCode}; o++)"))
                    {
                        operands.HoistPerOuter(w, "o");
                        w.Line("int c = 0;");
                        if (choice.Order == LoopOrder.RowSums)
                        {
                            SumVectors(w, "c", operands.InnerCode, choice, (lanes, at) => chain.Code(lanes, id => operands.Read(id, lanes, "o", at)));
                            using (w.Block($"for (; c < {operands.InnerCode}; c++)"))
                            {
                                w.Line($"sum += {chain.Code(false, id => operands.Read(id, false, "o", "c"))};");
                            }

                            w.Line($"{t}[o] {assign} sum;");
                        }
                        else
                        {
                            if (choice.Vector)
                            {
                                using (w.Block($"for (; c <= {operands.InnerCode} - {Width}; c += {Width})"))
                                {
                                    w.Line($"KernelMath.AddTo({t}, c, {chain.Code(true, id => operands.Read(id, true, "o", "c"))});");
                                }
                            }

                            using (w.Block($"for (; c < {operands.InnerCode}; c++)"))
                            {
                                w.Line($"{t}[c] += {chain.Code(false, id => operands.Read(id, false, "o", "c"))};");
                            }
                        }
                    }

                    return;

                default:
                    // A scalar nest over every input dimension.
                    if (!target.Accumulate)
                    {
                        w.Line($"{t}.Clear();");
                    }

                    LoopNest.Emit(w, LoopNest.Sizes(inputShape), "i", coordinates =>
                        w.Line($"{t}[{Operands.GeneralIndex(node.Shape, inputShape, coordinates)}] += {chain.Code(false, id => operands.ReadGeneral(id, coordinates))};"));
                    return;
            }
        }
    }

    /// <summary>
    /// <c>float sum</c> = the lanes of <paramref name="term"/> summed from <paramref name="index"/> (declared
    /// by the caller) while a whole vector remains below <paramref name="count"/>, in the tiers of <paramref name="choice"/>:
    /// first 512-bit vectors when it has the wide pass, then <c>Vector&lt;float&gt;</c>; one vector per accumulator
    /// per step (<see cref="LoopChoice.SumAccumulators"/>), so the adds do not wait on each other. The caller adds the tail.
    /// </summary>
    private static void SumVectors(SourceWriter w, string index, string count, LoopChoice choice, System.Func<Lanes, string, string> term)
    {
        w.Line("float sum = 0f;");
        if (!choice.Vector)
        {
            return; // plain scalar loops: the caller's tail loop sums every element
        }

        if (choice.WidePass)
        {
            using (w.Block($"if ({LanesCode.WideGuard})"))
            {
                SumLanes(w, Lanes.Wide, "Vector512<float>", LanesCode.WideWidth, "Vector512.Sum", index, count, choice.SumAccumulators, term);
            }
        }

        SumLanes(w, Lanes.Vector, "Vector<float>", Width, "Vector.Sum", index, count, choice.SumAccumulators, term);
    }

    private static void SumLanes(SourceWriter w, Lanes lanes, string type, string width, string sum, string index, string count, int accumulators, System.Func<Lanes, string, string> term)
    {
        // Distinct names: the wide block sits inside the scope that declares the Vector<float> accumulators' names later.
        string a = lanes == Lanes.Wide ? "wide" : "acc";
        w.Line(Accumulators.Declare(type, a, accumulators));
        using (w.Block($"for (; {index} <= {count} - {accumulators} * {width}; {index} += {accumulators} * {width})"))
        {
            w.Line($"{a}0 += {term(lanes, index)};");
            for (int u = 1; u < accumulators; u++)
            {
                w.Line($"{a}{u} += {term(lanes, u == 1 ? $"({index} + {width})" : $"({index} + {u} * {width})")};");
            }
        }

        using (w.Block($"for (; {index} <= {count} - {width}; {index} += {width})"))
        {
            w.Line($"{a}0 += {term(lanes, index)};");
        }

        w.Line($"sum += {sum}({Accumulators.Sum(a, accumulators)});");
    }

    /// <summary>target (op)= chain, over <paramref name="loop"/>, in the nest Lowering chose.</summary>
    private void EmitMap(SourceWriter w, FusedChain chain, LoopChoice choice, Shape loop, Target target)
    {
        var operands = new Operands(_plan, choice, loop);
        string t = target.Buffer.Name;
        string StoreLanes(Lanes lanes, string index, string value) => lanes != Lanes.Scalar
            ? (target.Accumulate ? $"KernelMath.AddTo({t}, {index}, {value});" : $"KernelMath.Store({t}, {index}, {value});")
            : $"{t}[{index}] {(target.Accumulate ? "+=" : "=")} {value};";
        string Store(bool vector, string index, string value) => StoreLanes(vector ? Lanes.Vector : Lanes.Scalar, index, value);

        using (w.Block())
        {
            chain.DeclareConstants(w, choice.Vector);
            switch (choice.Order)
            {
                case LoopOrder.Single:
                    operands.HoistSingles(w);
                    w.Line(Store(false, "0", chain.Code(false, id => operands.ReadFlat(id, false, "0"))));
                    break;

                case LoopOrder.Flat:
                    operands.HoistSingles(w);
                    w.Line($"int n = {loop.CountCode};");
                    w.Line("int i = 0;");
                    if (choice.WidePass)
                    {
                        LanesCode.WideLoop(w, "i", "n", () => w.Line(StoreLanes(Lanes.Wide, "i", chain.Code(Lanes.Wide, id => operands.ReadFlat(id, Lanes.Wide, "i")))));
                    }

                    if (choice.Vector)
                    {
                        using (w.Block($"for (; i <= n - {Width}; i += {Width})"))
                        {
                            w.Line(Store(true, "i", chain.Code(true, id => operands.ReadFlat(id, true, "i"))));
                        }
                    }

                    using (w.Block("for (; i < n; i++)"))
                    {
                        w.Line(Store(false, "i", chain.Code(false, id => operands.ReadFlat(id, false, "i"))));
                    }

                    break;

                case LoopOrder.RowsByColumns:
                    operands.HoistSingles(w);
                    string inner = operands.InnerCode;
                    using (w.Block($"for (int o = 0; o < {operands.OuterCode}; o++)"))
                    {
                        operands.HoistPerOuter(w, "o");
                        w.Line("int c = 0;");
                        if (choice.WidePass)
                        {
                            LanesCode.WideLoop(w, "c", inner, () => w.Line(StoreLanes(Lanes.Wide, $"o * {inner} + c", chain.Code(Lanes.Wide, id => operands.Read(id, Lanes.Wide, "o", "c")))));
                        }

                        if (choice.Vector)
                        {
                            using (w.Block($"for (; c <= {inner} - {Width}; c += {Width})"))
                            {
                                w.Line(Store(true, $"o * {inner} + c", chain.Code(true, id => operands.Read(id, true, "o", "c"))));
                            }
                        }

                        using (w.Block($"for (; c < {inner}; c++)"))
                        {
                            w.Line(Store(false, $"o * {inner} + c", chain.Code(false, id => operands.Read(id, false, "o", "c"))));
                        }
                    }

                    break;

                default:
                    LoopNest.Emit(w, LoopNest.Sizes(loop), "i", coordinates =>
                        w.Line(Store(false, Operands.GeneralIndex(loop, loop, coordinates), chain.Code(false, id => operands.ReadGeneral(id, coordinates)))));
                    break;
            }
        }
    }

    private string Describe(int id) => _plan.Buffers.TryGetValue(id, out var buffer) ? buffer.Name : "%" + id;

    private static string Source(Node node) => node.Text.Length > 0 ? $"      (from: {node.Text})" : string.Empty;
}
