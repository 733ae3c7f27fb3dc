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

    /// <summary>For a matrix product's own loops (below the threshold, or with no GEMM): their order.</summary>
    public MatMulLoops Loops { get; init; }

    /// <summary>For an einsum whose output letter is vectorised: a 512-bit pass first (it runs only where the hardware has it).</summary>
    public bool WideOutputPass { get; init; }

    /// <summary>Row tiles: vectors of C's row per tile (<see cref="Unrolling.RowTileVectors"/>).</summary>
    public int TileVectors { get; init; } = 1;

    /// <summary>Row tiles' single-vector columns: accumulators over k (<see cref="Unrolling.RowAccumulators"/>).</summary>
    public int RowAccumulators { get; init; } = 1;

    /// <summary>Vectorised dot products: accumulators over k (<see cref="Unrolling.DotAccumulators"/>).</summary>
    public int DotAccumulators { get; init; } = 1;

    /// <summary>For an einsum's loops: the innermost summed letter not vectorised, unrolled into <see cref="SummedUnroll"/> accumulators.</summary>
    public char? UnrolledSummedAxis { get; init; }

    /// <summary>Independent accumulators over <see cref="UnrolledSummedAxis"/> (1 when there is none).</summary>
    public int SummedUnroll { get; init; } = 1;
}

/// <summary>The loops of a matrix product C = op(A)·op(B) that does not go to the GEMM, chosen by which operand is contiguous.</summary>
internal enum MatMulLoops
{
    /// <summary>
    /// B not transposed (row k of B contiguous over N): a row of C in tiles of four vectors, each element of A broadcast
    /// once into four independent accumulators; then single vectors with four accumulators over k; then scalars.
    /// </summary>
    RowTiles,

    /// <summary>B transposed, A not (both contiguous over K): a vectorised dot product per element of C.</summary>
    DotProducts,

    /// <summary>A scalar dot product per element of C: both transposed, or plain scalar loops.</summary>
    ScalarDotProducts,
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
                    var product = plan.Graph[matMul.MatMul];
                    plan.Products[matMul.MatMul] = ForMatMul(plan.ScalarKernels, hasEpilogue: matMul.Epilogue is not null, matMul.Target.Accumulate)
                        with
                        {
                            Loops = LoopsOf(plan.ScalarKernels, product.TransposeA, product.TransposeB),
                            TileVectors = Unrolling.RowTileVectors,
                            RowAccumulators = Unrolling.RowAccumulators,
                            DotAccumulators = Unrolling.DotAccumulators,
                        };
                    break;
                case StructuralStep structural when plan.Graph[structural.Node].Op == Op.Einsum:
                    var node = plan.Graph[structural.Node];
                    var equation = EinsumEquation.Parse(node.Equation, out _)!;
                    plan.Products[structural.Node] = ForEinsum(plan.ScalarKernels, equation, EinsumLetterSizes.Of(plan, node, equation));
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

    /// <summary>Row tiles when B's rows are contiguous along C's columns, dot products when A's and B's are along K.</summary>
    private static MatMulLoops LoopsOf(bool scalarKernels, bool transposeA, bool transposeB) =>
        scalarKernels ? MatMulLoops.ScalarDotProducts
        : !transposeB ? MatMulLoops.RowTiles
        : !transposeA ? MatMulLoops.DotProducts
        : MatMulLoops.ScalarDotProducts;

    /// <summary>
    /// An einsum that is one matrix product runs as one (the GEMM above the threshold); its loops vectorise the last
    /// output letter when it is contiguous in every operand it indexes (with a 512-bit pass when it can be long
    /// enough), else the last such summed letter; the innermost other summed letter is unrolled into
    /// <see cref="Unrolling.EinsumAccumulators"/> accumulators.
    /// </summary>
    private static ProductChoice ForEinsum(bool scalarKernels, EinsumEquation equation, Dictionary<char, Dim> sizes)
    {
        var summed = equation.Letters.Where(c => !equation.Output.Contains(c)).ToList();
        if (scalarKernels)
        {
            return new ProductChoice(ScalarLoops: true, GemmAboveThreshold: false, null, null, null) { UnrolledSummedAxis = LastOrNull(summed), SummedUnroll = UnrollOf(summed) };
        }

        bool ContiguousWherever(char letter) => equation.Inputs.Where(s => s.Contains(letter)).All(s => s[s.Length - 1] == letter);
        char? outputVector = equation.Output.Length > 0 && ContiguousWherever(equation.Output[equation.Output.Length - 1])
            ? equation.Output[equation.Output.Length - 1]
            : null;
        char? summedVector = outputVector is null && summed.Where(ContiguousWherever).ToList() is { Count: > 0 } candidates
            ? candidates[candidates.Count - 1]
            : null;
        var matrixForm = EinsumMatrixForm.Of(equation, sizes);
        var unrollable = summed.Where(c => c != summedVector).ToList();
        return new ProductChoice(ScalarLoops: false, GemmAboveThreshold: matrixForm is not null, matrixForm, outputVector, summedVector)
        {
            WideOutputPass = outputVector is char v && VectorTiers.WidePassMayRun(new[] { sizes[v] }),
            UnrolledSummedAxis = LastOrNull(unrollable),
            SummedUnroll = UnrollOf(unrollable),
        };
    }

    private static char? LastOrNull(List<char> letters) => letters.Count > 0 ? letters[letters.Count - 1] : null;

    private static int UnrollOf(List<char> letters) => letters.Count > 0 ? Unrolling.EinsumAccumulators : 1;
}
