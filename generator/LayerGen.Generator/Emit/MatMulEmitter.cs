using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Emits C = op(A)·op(B) (C is M×N, the contraction K long), with the consuming element-wise chain
/// applied to each accumulator before the store, as Lowering chose (<see cref="ProductChoice"/>, and
/// <see cref="LoopChoice"/> for the chain's operands): products of at
/// least <see cref="ProductChoice.GemmThreshold"/> multiply-adds call the runtime's register-blocked <c>Gemm.MatMul</c> (the chain then runs as one pass
/// over C, with a <c>Vector512</c> pass first where the hardware has it); smaller ones are inline loops, in
/// one of two orders (<see cref="MatMulLoops"/>) chosen by which operand is contiguous along the vectorised axis:
/// <list type="bullet">
/// <item>B not transposed (row k of B contiguous over N): a row of C in tiles of four vectors, each
/// element of A broadcast once into four independent accumulators; then single vectors with four
/// accumulators over k; then scalars — forward of <c>x·W</c> and dW = Xᵀ·dY.</item>
/// <item>B transposed, A not (both contiguous over K): a vectorised dot product per element —
/// <c>x·Wᵀ</c> (torch's Linear) and dX = dY·Wᵀ.</item>
/// </list>
/// Both transposed: a plain scalar loop (not produced by any rule today).
/// </summary>
internal sealed partial class MatMulEmitter
{
    private const string Width = "Vector<float>.Count";
    private readonly KernelPlan _plan;

    public MatMulEmitter(KernelPlan plan) => _plan = plan;

    /// <summary>target = epilogue(target), element by element, after the GEMM wrote the raw product into it.</summary>
    private static void EmitEpiloguePass(SourceWriter w, FusedChain epilogue, Operands operands, string t, string m, string n, LoopChoice loops)
    {
        epilogue.DeclareConstants(w, loops.Vector);
        operands.HoistSingles(w);
        using (w.Block($"for (int i = 0; i < {m}; i++)"))
        {
            operands.HoistPerOuter(w, "i");
            w.Line("int j = 0;");
            if (loops.WidePass)
            {
                LanesCode.WideLoop(w, "j", n, () =>
                {
                    w.Line($"var acc = KernelMath.LoadWide({t}, i * {n} + j);");
                    w.Line($"KernelMath.Store({t}, i * {n} + j, {epilogue.Code(Lanes.Wide, id => operands.Read(id, Lanes.Wide, "i", "j"))});");
                });
            }

            using (w.Block($"for (; j <= {n} - {Width}; j += {Width})"))
            {
                w.Line($"var acc = KernelMath.Load({t}, i * {n} + j);");
                w.Line($"KernelMath.Store({t}, i * {n} + j, {epilogue.Code(true, id => operands.Read(id, true, "i", "j"))});");
            }

            using (w.Block($"for (; j < {n}; j++)"))
            {
                w.Line($"float acc = {t}[i * {n} + j];");
                w.Line($"{t}[i * {n} + j] = {epilogue.Code(false, id => operands.Read(id, false, "i", "j"))};");
            }
        }
    }

    /// <param name="w">Where the loops go.</param>
    /// <param name="step">The product and its epilogue.</param>
    /// <param name="overwriteFlag">
    /// For the first write of a parameter gradient: the kernel parameter saying its contents count as zeros;
    /// then the GEMM overwrites instead of accumulating, and the inline loops clear it first.
    /// </param>
    public void Emit(SourceWriter w, MatMulStep step, string? overwriteFlag = null)
    {
        var p = new ProductLoops(_plan, step, w);
        var node = _plan.Graph[step.MatMul];
        string assign = step.Target.Accumulate ? "+=" : "=";
        string product = FusedChain.DescribeMatMul(_plan, step.MatMul, id => _plan.Buffers[id].Name);
        string what = p.Epilogue is null ? product : p.Epilogue.Describe(id => _plan.Buffers.TryGetValue(id, out var buf) ? buf.Name : "%" + id);
        string source = (step.Epilogue is int e ? _plan.Graph[e].Text : node.Text) is { Length: > 0 } text ? $"      (from: {text})" : string.Empty;
        w.Comment($"{p.T} {assign} {what}{source}   [{p.M}, {p.N}], contracting {p.K}");

        var choice = _plan.Products[step.MatMul];
        if (choice.GemmAboveThreshold)
        {
            // Large products go to the runtime's register-blocked GEMM; the epilogue then runs as one pass.
            w.Line($"if ((long){p.M} * {p.N} * {p.K} >= {ProductChoice.GemmThreshold})");
            using (w.Block())
            {
                string accumulate = !step.Target.Accumulate ? "false" : overwriteFlag is null ? "true" : $"!{overwriteFlag}";
                w.Line($"Gemm.MatMul({p.M}, {p.N}, {p.K}, {p.A.Name}, {(p.TransposeA ? "true" : "false")}, {p.B.Name}, {(p.TransposeB ? "true" : "false")}, {p.T}.Slice(0, {p.M} * {p.N}), accumulate: {accumulate});");
                if (p.Epilogue is not null)
                {
                    EmitEpiloguePass(w, p.Epilogue, p.Operands, p.T, p.M, p.N, p.Loops);
                }
            }

            w.Line("else");
        }

        // The product's own loops (the only ones with LayerGenScalarKernels: scalar dot products).
        using (w.Block())
        {
            if (overwriteFlag is not null)
            {
                w.Line($"if ({overwriteFlag}) {p.T}.Clear();");
            }

            p.Epilogue?.DeclareConstants(w, p.Loops.Vector);
            p.Operands.HoistSingles(w);
            using (w.Block($"for (int i = 0; i < {p.M}; i++)"))
            {
                p.Operands.HoistPerOuter(w, "i");
                switch (choice.Loops)
                {
                    case MatMulLoops.RowTiles:
                        p.RowTiles();
                        break;
                    case MatMulLoops.DotProducts:
                        p.EachElement(p.VectorDotProduct);
                        break;
                    default:
                        p.EachElement(p.ScalarDotProduct);
                        break;
                }
            }
        }
    }
}
