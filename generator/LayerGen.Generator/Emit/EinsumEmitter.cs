using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Emits an einsum as one loop per letter: the output's letters but its last outermost, then the
/// summed letters, then the output's last letter innermost. When that innermost letter is the last
/// (contiguous) axis of every operand holding it, the inner loop is vectorised, and the product of
/// the operands that do not hold it is computed once outside it.
/// </summary>
internal sealed class EinsumEmitter
{
    private const string Width = "Vector<float>.Count";
    private readonly KernelPlan _plan;

    public EinsumEmitter(KernelPlan plan) => _plan = plan;

    public void Emit(SourceWriter w, StructuralStep step)
    {
        var node = _plan.Graph[step.Node];
        var equation = EinsumEquation.Parse(node.Equation, out _)!;
        var operands = node.Args.Select(a => _plan.Buffers[a]).ToList();
        string t = step.Target.Buffer.Name;

        var sizes = new Dictionary<char, Dim>();
        for (int i = 0; i < operands.Count; i++)
        {
            for (int d = 0; d < equation.Inputs[i].Length; d++)
            {
                sizes[equation.Inputs[i][d]] = operands[i].Shape[d];
            }
        }

        for (int d = 0; d < equation.Output.Length; d++)
        {
            sizes[equation.Output[d]] = node.Shape[d];
        }

        string source = node.Text.Length > 0 ? $"      (from: {node.Text})" : string.Empty;
        w.Comment($"{t} {(step.Target.Accumulate ? "+=" : "=")} einsum(\"{node.Equation}\", {string.Join(", ", operands.Select(o => o.Name))}){source}   {node.Shape}");
        if (!step.Target.Accumulate)
        {
            w.Line($"{t}.Clear();");
        }

        char? innermost = equation.Output.Length > 0 ? equation.Output[equation.Output.Length - 1] : null;
        var order = equation.Output.Take(System.Math.Max(0, equation.Output.Length - 1))
            .Concat(sizes.Keys.Where(c => !equation.Output.Contains(c)).OrderBy(c => equation.Letters.ToList().IndexOf(c)))
            .ToList();

        string Var(char letter) => "e_" + letter;
        string IndexOf(string subscript, Shape shape) => LoopNest.Index(shape, subscript.Select(Var).ToArray());

        bool holds(int i) => innermost is char l && equation.Inputs[i].Contains(l);
        bool vectorisable = innermost is char inner
            && Enumerable.Range(0, operands.Count).Where(holds).All(i => equation.Inputs[i][equation.Inputs[i].Length - 1] == inner);

        using (w.Block())
        {
            var closers = order.Select(c => w.Block($"for (int {Var(c)} = 0; {Var(c)} < {sizes[c].Code}; {Var(c)}++)")).ToList();
            var outside = Enumerable.Range(0, operands.Count).Where(i => !holds(i)).ToList();
            var inside = Enumerable.Range(0, operands.Count).Where(holds).ToList();
            string coefficient = outside.Count == 0 ? "1f" : string.Join(" * ", outside.Select(i => $"{operands[i].Name}[{IndexOf(equation.Inputs[i], operands[i].Shape)}]"));
            if (innermost is not char letter)
            {
                w.Line($"{t}[0] += {coefficient};");
            }
            else
            {
                w.Line($"float coefficient = {coefficient};");
                string targetIndex = IndexOf(equation.Output, node.Shape);
                string scalarProduct = string.Join(" * ", new[] { "coefficient" }.Concat(inside.Select(i => $"{operands[i].Name}[{IndexOf(equation.Inputs[i], operands[i].Shape)}]")));
                w.Line($"int {Var(letter)} = 0;");
                if (vectorisable)
                {
                    w.Line("var coefficients = new Vector<float>(coefficient);");
                    string vectorProduct = string.Join(" * ", new[] { "coefficients" }.Concat(inside.Select(i => $"KernelMath.Load({operands[i].Name}, {IndexOf(equation.Inputs[i], operands[i].Shape)})")));
                    using (w.Block($"for (; {Var(letter)} <= {sizes[letter].Code} - {Width}; {Var(letter)} += {Width})"))
                    {
                        w.Line($"KernelMath.AddTo({t}, {targetIndex}, {vectorProduct});");
                    }
                }

                using (w.Block($"for (; {Var(letter)} < {sizes[letter].Code}; {Var(letter)}++)"))
                {
                    w.Line($"{t}[{targetIndex}] += {scalarProduct};");
                }
            }

            for (int i = closers.Count - 1; i >= 0; i--)
            {
                closers[i].Dispose();
            }
        }
    }
}
