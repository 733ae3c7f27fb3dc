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
internal sealed class MatMulEmitter
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
        var graph = _plan.Graph;
        var node = graph[step.MatMul];
        var a = _plan.Buffers[node.Args[0]];
        var b = _plan.Buffers[node.Args[1]];
        bool ta = node.TransposeA, tb = node.TransposeB;
        string m = node.Shape[0].Code;
        string n = node.Shape[1].Code;
        string k = (ta ? a.Shape[0] : a.Shape[1]).Code;
        string AIndex(string i, string kk) => ta ? $"{kk} * {m} + {i}" : $"{i} * {k} + {kk}";
        string BIndex(string kk, string j) => tb ? $"{j} * {k} + {kk}" : $"{kk} * {n} + {j}";

        var loop = Shape.Of(node.Shape[0], node.Shape[1]);
        FusedChain? epilogue = step.Epilogue is int root ? new FusedChain(_plan, root, expandRoot: true, accumulator: step.MatMul) : null;
        var loops = _plan.Loops[step];
        var operands = new Operands(_plan, loops, loop);
        string t = step.Target.Buffer.Name;
        string assign = step.Target.Accumulate ? "+=" : "=";
        string product = FusedChain.DescribeMatMul(_plan, step.MatMul, id => _plan.Buffers[id].Name);
        string what = epilogue is null ? product : epilogue.Describe(id => _plan.Buffers.TryGetValue(id, out var buf) ? buf.Name : "%" + id);
        string source = (step.Epilogue is int e ? graph[e].Text : node.Text) is { Length: > 0 } text ? $"      (from: {text})" : string.Empty;
        w.Comment($"{t} {assign} {what}{source}   [{m}, {n}], contracting {k}");

        string Value(bool vector, string j) => epilogue is null ? "acc" : epilogue.Code(vector, id => operands.Read(id, vector, "i", j));
        string Store(bool vector, string j = "j") => vector
            ? (step.Target.Accumulate ? $"KernelMath.AddTo({t}, i * {n} + {j}, {Value(true, j)});" : $"KernelMath.Store({t}, i * {n} + {j}, {Value(true, j)});")
            : $"{t}[i * {n} + {j}] {assign} {Value(false, j)};";

        var choice = _plan.Products[step.MatMul];
        if (choice.ScalarLoops)
        {
            // Plain scalar loops (LayerGenScalarKernels): one dot product per element of the target.
            using (w.Block())
            {
                if (overwriteFlag is not null)
                {
                    w.Line($"if ({overwriteFlag}) {t}.Clear();");
                }

                epilogue?.DeclareConstants(w, loops.Vector);
                operands.HoistSingles(w);
                using (w.Block($"for (int i = 0; i < {m}; i++)"))
                {
                    operands.HoistPerOuter(w, "i");
                    using (w.Block($"for (int j = 0; j < {n}; j++)"))
                    {
                        w.Line("float acc = 0f;");
                        using (w.Block($"for (int kk = 0; kk < {k}; kk++)"))
                        {
                            w.Line($"acc += {a.Name}[{AIndex("i", "kk")}] * {b.Name}[{BIndex("kk", "j")}];");
                        }

                        w.Line(Store(false));
                    }
                }
            }

            return;
        }

        if (choice.GemmAboveThreshold)
        {
            // Large products go to the runtime's register-blocked GEMM; the epilogue then runs as one pass.
            w.Line($"if ((long){m} * {n} * {k} >= {ProductChoice.GemmThreshold})");
            using (w.Block())
            {
                string accumulate = !step.Target.Accumulate ? "false" : overwriteFlag is null ? "true" : $"!{overwriteFlag}";
                w.Line($"Gemm.MatMul({m}, {n}, {k}, {a.Name}, {(ta ? "true" : "false")}, {b.Name}, {(tb ? "true" : "false")}, {t}.Slice(0, {m} * {n}), accumulate: {accumulate});");
                if (epilogue is not null)
                {
                    EmitEpiloguePass(w, epilogue, operands, t, m, n, loops);
                }
            }

            w.Line("else");
        }

        using (w.Block())
        {
            if (overwriteFlag is not null)
            {
                w.Line($"if ({overwriteFlag}) {t}.Clear();");
            }

            epilogue?.DeclareConstants(w, loops.Vector);
            operands.HoistSingles(w);
            using (w.Block($"for (int i = 0; i < {m}; i++)"))
            {
                operands.HoistPerOuter(w, "i");
                if (choice.Loops == MatMulLoops.RowTiles)
                {
                    // A row of C in tiles of four vectors: each element of A is broadcast once and
                    // multiplied into four independent accumulators (no reduction afterwards, whatever k is).
                    w.Line("int j = 0;");
                    using (w.Block($"for (; j <= {n} - 4 * {Width}; j += 4 * {Width})"))
                    {
                        w.Line("Vector<float> acc0 = Vector<float>.Zero, acc1 = Vector<float>.Zero, acc2 = Vector<float>.Zero, acc3 = Vector<float>.Zero;");
                        using (w.Block($"for (int kk = 0; kk < {k}; kk++)"))
                        {
                            w.Line($"var broadcast = new Vector<float>(KernelMath.Get({a.Name}, {AIndex("i", "kk")}));");
                            for (int u = 0; u < 4; u++)
                            {
                                string jIndex = u == 0 ? "j" : $"(j + {(u == 1 ? Width : $"{u} * {Width}")})";
                                w.Line($"acc{u} = Vector.FusedMultiplyAdd(broadcast, KernelMath.Load({b.Name}, {BIndex("kk", jIndex)}), acc{u});");
                            }
                        }

                        for (int u = 0; u < 4; u++)
                        {
                            using (w.Block())
                            {
                                w.Line($"var acc = acc{u};");
                                w.Line(u == 0 ? "int jj = j;" : $"int jj = j + {(u == 1 ? Width : $"{u} * {Width}")};");
                                w.Line(Store(true, "jj"));
                            }
                        }
                    }

                    using (w.Block($"for (; j <= {n} - {Width}; j += {Width})"))
                    {
                        // One vector of C: four accumulators over k instead, so the chain of multiply-adds overlaps.
                        w.Line("Vector<float> acc0 = Vector<float>.Zero, acc1 = Vector<float>.Zero, acc2 = Vector<float>.Zero, acc3 = Vector<float>.Zero;");
                        w.Line("int kk = 0;");
                        using (w.Block($"for (; kk <= {k} - 4; kk += 4)"))
                        {
                            for (int u = 0; u < 4; u++)
                            {
                                string kIndex = u == 0 ? "kk" : $"(kk + {u})";
                                w.Line($"acc{u} = Vector.FusedMultiplyAdd(new Vector<float>(KernelMath.Get({a.Name}, {AIndex("i", kIndex)})), KernelMath.Load({b.Name}, {BIndex(kIndex, "j")}), acc{u});");
                            }
                        }

                        using (w.Block($"for (; kk < {k}; kk++)"))
                        {
                            w.Line($"acc0 = Vector.FusedMultiplyAdd(new Vector<float>(KernelMath.Get({a.Name}, {AIndex("i", "kk")})), KernelMath.Load({b.Name}, {BIndex("kk", "j")}), acc0);");
                        }

                        w.Line("var acc = (acc0 + acc1) + (acc2 + acc3);");
                        w.Line(Store(true));
                    }

                    using (w.Block($"for (; j < {n}; j++)"))
                    {
                        w.Line("float acc = 0f;");
                        using (w.Block($"for (int kk = 0; kk < {k}; kk++)"))
                        {
                            w.Line($"acc += {a.Name}[{AIndex("i", "kk")}] * {b.Name}[{BIndex("kk", "j")}];");
                        }

                        w.Line(Store(false));
                    }
                }
                else
                {
                    using (w.Block($"for (int j = 0; j < {n}; j++)"))
                    {
                        if (choice.Loops == MatMulLoops.DotProducts)
                        {
                            w.Line("Vector<float> acc0 = Vector<float>.Zero, acc1 = Vector<float>.Zero;");
                            w.Line("int kk = 0;");
                            using (w.Block($"for (; kk <= {k} - 2 * {Width}; kk += 2 * {Width})"))
                            {
                                w.Line($"acc0 = Vector.FusedMultiplyAdd(KernelMath.Load({a.Name}, {AIndex("i", "kk")}), KernelMath.Load({b.Name}, {BIndex("kk", "j")}), acc0);");
                                string next = $"(kk + {Width})";
                                w.Line($"acc1 = Vector.FusedMultiplyAdd(KernelMath.Load({a.Name}, {AIndex("i", next)}), KernelMath.Load({b.Name}, {BIndex(next, "j")}), acc1);");
                            }

                            using (w.Block($"for (; kk <= {k} - {Width}; kk += {Width})"))
                            {
                                w.Line($"acc0 = Vector.FusedMultiplyAdd(KernelMath.Load({a.Name}, {AIndex("i", "kk")}), KernelMath.Load({b.Name}, {BIndex("kk", "j")}), acc0);");
                            }

                            w.Line("float acc = Vector.Sum(acc0 + acc1);");
                            using (w.Block($"for (; kk < {k}; kk++)"))
                            {
                                w.Line($"acc += {a.Name}[{AIndex("i", "kk")}] * {b.Name}[{BIndex("kk", "j")}];");
                            }
                        }
                        else
                        {
                            w.Line("float acc = 0f;");
                            using (w.Block($"for (int kk = 0; kk < {k}; kk++)"))
                            {
                                w.Line($"acc += {a.Name}[{AIndex("i", "kk")}] * {b.Name}[{BIndex("kk", "j")}];");
                            }
                        }

                        w.Line(Store(false));
                    }
                }
            }
        }
    }
}
