using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// How one product (a matrix product, or an einsum) runs, chosen by Lowering (<see cref="ProductChoices"/>): Emit
/// spells the choice and decides nothing about speed.
/// </summary>
/// <param name="ScalarLoops">Plain scalar loops, nothing vectorised and no GEMM (the <c>LayerGenScalarKernels</c> switch).</param>
/// <param name="GemmAboveThreshold">
/// A run-time branch sends products of at least <see cref="GemmThreshold"/> multiply-adds to the runtime's blocked
/// GEMM; smaller ones run as the emitted register loops.
/// </param>
/// <param name="MatrixForm">For an einsum: the matrix product over merged axes it is, if it is one (else its own loops).</param>
/// <param name="VectorOutputAxis">For an einsum's loops: the output letter vectorised (contiguous in every operand it indexes).</param>
/// <param name="VectorSummedAxis">For an einsum's loops when no output letter can be: the summed letter vectorised.</param>
internal sealed record ProductChoice(
    bool ScalarLoops,
    bool GemmAboveThreshold,
    EinsumMatrixForm? MatrixForm,
    char? VectorOutputAxis,
    char? VectorSummedAxis)
{
    /// <summary>
    /// Products of at least this many multiply-adds call the runtime GEMM instead of the emitted loops. The GEMM's
    /// tiles beat the loops from a few hundred multiply-adds up: measured on Zen 5, Linear(8, 128) over 4 rows (4,096)
    /// 0.81 → 0.23 µs, Linear(64, 64) over 1 row backward 1.12 → 0.27 µs, MyLinear(64, 8) over 2 rows (1,024)
    /// 0.049 → 0.042 µs; below that the call's checks cost more than they save (MyLinear(8, 1), 16: 0.016 µs in
    /// the loops, 0.022 through the GEMM).
    /// </summary>
    public const int GemmThreshold = 512;
}

/// <summary>Chooses, for every product step of a plan, how it runs (<see cref="ProductChoice"/>).</summary>
internal static class ProductChoices
{
    public static void Decide(KernelPlan plan)
    {
        foreach (var step in plan.ForwardSteps.Concat(plan.BackwardSteps))
        {
            switch (step)
            {
                case MatMulStep matMul:
                    plan.Products[matMul.MatMul] = ForMatMul(plan.ScalarKernels, hasEpilogue: matMul.Epilogue is not null, matMul.Target.Accumulate);
                    break;
                case StructuralStep structural when plan.Graph[structural.Node].Op == Op.Einsum:
                    var node = plan.Graph[structural.Node];
                    var equation = EinsumEquation.Parse(node.Equation, out _)!;
                    plan.Products[structural.Node] = ForEinsum(plan.ScalarKernels, equation, EinsumSizes(plan, node, equation));
                    break;
            }
        }
    }

    /// <summary>
    /// A matrix product goes to the GEMM above the threshold unless an epilogue must be added into an accumulating
    /// target (the GEMM's one pass cannot apply it then, and a second pass would cost more than the loops).
    /// </summary>
    private static ProductChoice ForMatMul(bool scalarKernels, bool hasEpilogue, bool accumulate) =>
        scalarKernels
            ? new ProductChoice(ScalarLoops: true, GemmAboveThreshold: false, null, null, null)
            : new ProductChoice(ScalarLoops: false, GemmAboveThreshold: !hasEpilogue || !accumulate, null, null, null);

    /// <summary>
    /// An einsum that is one matrix product runs as one (the GEMM above the threshold); its loops vectorise the last
    /// output letter when it is contiguous in every operand it indexes, else the last such summed letter.
    /// </summary>
    private static ProductChoice ForEinsum(bool scalarKernels, EinsumEquation equation, Dictionary<char, Dim> sizes)
    {
        if (scalarKernels)
        {
            return new ProductChoice(ScalarLoops: true, GemmAboveThreshold: false, null, null, null);
        }

        bool ContiguousWherever(char letter) => equation.Inputs.Where(s => s.Contains(letter)).All(s => s[s.Length - 1] == letter);
        var summed = equation.Letters.Where(c => !equation.Output.Contains(c)).ToList();
        char? outputVector = equation.Output.Length > 0 && ContiguousWherever(equation.Output[equation.Output.Length - 1])
            ? equation.Output[equation.Output.Length - 1]
            : null;
        char? summedVector = outputVector is null && summed.Where(ContiguousWherever).ToList() is { Count: > 0 } candidates
            ? candidates[candidates.Count - 1]
            : null;
        var matrixForm = EinsumMatrixForm.Of(equation, sizes);
        return new ProductChoice(ScalarLoops: false, GemmAboveThreshold: matrixForm is not null, matrixForm, outputVector, summedVector);
    }

    /// <summary>The size of every letter of an einsum, read from its operands' and its result's shapes.</summary>
    public static Dictionary<char, Dim> EinsumSizes(KernelPlan plan, Node node, EinsumEquation equation)
    {
        var sizes = new Dictionary<char, Dim>();
        for (int i = 0; i < node.Args.Count; i++)
        {
            var shape = plan.Buffers[node.Args[i]].Shape;
            for (int d = 0; d < equation.Inputs[i].Length; d++)
            {
                sizes[equation.Inputs[i][d]] = shape[d];
            }
        }

        for (int d = 0; d < equation.Output.Length; d++)
        {
            sizes[equation.Output[d]] = node.Shape[d];
        }

        return sizes;
    }
}
