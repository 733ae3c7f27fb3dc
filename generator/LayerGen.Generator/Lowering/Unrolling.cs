namespace LayerGen.Generator.Lowering;

/// <summary>
/// How many independent accumulators Lowering gives each kind of emitted loop, and why. Every count is recorded in
/// the step's choice (<see cref="ProductChoice"/>, <see cref="LoopChoice"/>) so that Emit prints it and a test can
/// force another one; these are the values Lowering chooses.
/// </summary>
/// <remarks>
/// The numbers serve both vector widths a kernel runs at (<c>Vector&lt;float&gt;</c> is 256 bits on AVX2 and
/// AVX-512 machines, 128 on the others). A fused multiply-add's result is ready about four cycles after it issues
/// and two issue per cycle, so a chain of multiply-adds into one accumulator runs at an eighth of the peak; four
/// chains hide most of it and still leave 16 <c>ymm</c>/<c>xmm</c> registers for the loads, the broadcast and the
/// epilogue's operands, where eight would spill on AVX2.
/// </remarks>
internal static class Unrolling
{
    /// <summary>A matrix product's row tile (<see cref="MatMulLoops.RowTiles"/>): vectors of C's row per tile, one broadcast of A each.</summary>
    public const int RowTileVectors = 4;

    /// <summary>The same product's single-vector columns after the tiles: accumulators over k, one step of k each.</summary>
    public const int RowAccumulators = 4;

    /// <summary>
    /// A vectorised dot product (<see cref="MatMulLoops.DotProducts"/>): two accumulators, because each step loads two
    /// vectors (A's row and B's row) and the loads, not the multiply-adds, bound it.
    /// </summary>
    public const int DotAccumulators = 2;

    /// <summary>A vector sum (a row sum, a flat sum): accumulators over the summed axis.</summary>
    public const int SumAccumulators = 4;

    /// <summary>An einsum's unrolled summed letter: accumulators over it.</summary>
    public const int EinsumAccumulators = 4;
}
