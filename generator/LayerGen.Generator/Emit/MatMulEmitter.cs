using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Emits C = op(A)·op(B) (C is M×N, the contraction K long), with the consuming element-wise chain
/// applied to each accumulator before the store. Two loop orders, chosen by which operand is
/// contiguous along the vectorised axis:
/// <list type="bullet">
/// <item>B not transposed (row k of B contiguous over N): each accumulator is a vector of
/// consecutive columns, A's element broadcast — forward of <c>x·W</c> and dW = Xᵀ·dY.</item>
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

    public void Emit(SourceWriter w, MatMulStep step)
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
        var operands = new Operands(_plan, epilogue?.Leaves() ?? new System.Collections.Generic.List<int>(), loop);
        string t = step.Target.Buffer.Name;
        string assign = step.Target.Accumulate ? "+=" : "=";
        string product = FusedChain.DescribeMatMul(_plan, step.MatMul, id => _plan.Buffers[id].Name);
        string what = epilogue is null ? product : epilogue.Describe(id => _plan.Buffers.TryGetValue(id, out var buf) ? buf.Name : "%" + id);
        string source = (step.Epilogue is int e ? graph[e].Text : node.Text) is { Length: > 0 } text ? $"      (from: {text})" : string.Empty;
        w.Comment($"{t} {assign} {what}{source}   [{m}, {n}], contracting {k}");

        string Value(bool vector) => epilogue is null ? "acc" : epilogue.Code(vector, id => operands.Read(id, vector, "i", "j"));
        string Store(bool vector) => vector
            ? (step.Target.Accumulate ? $"KernelMath.AddTo({t}, i * {n} + j, {Value(true)});" : $"KernelMath.Store({t}, i * {n} + j, {Value(true)});")
            : $"{t}[i * {n} + j] {assign} {Value(false)};";

        using (w.Block())
        {
            epilogue?.DeclareConstants(w, vector: true);
            operands.HoistSingles(w, vector: true);
            using (w.Block($"for (int i = 0; i < {m}; i++)"))
            {
                operands.HoistPerOuter(w, vector: true, "i");
                if (!tb)
                {
                    w.Line("int j = 0;");
                    using (w.Block($"for (; j <= {n} - {Width}; j += {Width})"))
                    {
                        w.Line("var acc = Vector<float>.Zero;");
                        using (w.Block($"for (int kk = 0; kk < {k}; kk++)"))
                        {
                            w.Line($"acc += new Vector<float>({a.Name}[{AIndex("i", "kk")}]) * KernelMath.Load({b.Name}, {BIndex("kk", "j")});");
                        }

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
                        if (!ta)
                        {
                            w.Line("var accv = Vector<float>.Zero;");
                            w.Line("int kk = 0;");
                            using (w.Block($"for (; kk <= {k} - {Width}; kk += {Width})"))
                            {
                                w.Line($"accv += KernelMath.Load({a.Name}, {AIndex("i", "kk")}) * KernelMath.Load({b.Name}, {BIndex("kk", "j")});");
                            }

                            w.Line("float acc = Vector.Sum(accv);");
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
