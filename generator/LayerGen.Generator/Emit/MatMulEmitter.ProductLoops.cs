using System;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

internal sealed partial class MatMulEmitter
{
    /// <summary>
    /// The inline loops of one product C = op(A)·op(B), inside the caller's loop over the rows <c>i</c> of C: the
    /// spelling of its sizes, indices and store, and one method per loop order Lowering can choose
    /// (<see cref="MatMulLoops"/>).
    /// </summary>
    private sealed class ProductLoops
    {
        private readonly SourceWriter _w;
        private readonly MatMulStep _step;

        public ProductLoops(KernelPlan plan, MatMulStep step, SourceWriter w)
        {
            _w = w;
            _step = step;
            var node = plan.Graph[step.MatMul];
            A = plan.Buffers[node.Args[0]];
            B = plan.Buffers[node.Args[1]];
            TransposeA = node.TransposeA;
            TransposeB = node.TransposeB;
            M = node.Shape[0].Code;
            N = node.Shape[1].Code;
            K = (TransposeA ? A.Shape[0] : A.Shape[1]).Code;
            T = step.Target.Buffer.Name;
            Epilogue = step.Epilogue is int root ? new FusedChain(plan, root, expandRoot: true, accumulator: step.MatMul) : null;
            Loops = plan.Loops[step];
            Choice = plan.Products[step.MatMul];
            Operands = new Operands(plan, Loops, Shape.Of(node.Shape[0], node.Shape[1]));
        }

        public Lowering.Buffer A { get; }

        public Lowering.Buffer B { get; }

        public bool TransposeA { get; }

        public bool TransposeB { get; }

        /// <summary>C's rows, its columns, and the contraction's length, as C#.</summary>
        public string M { get; }

        public string N { get; }

        public string K { get; }

        /// <summary>The target's name.</summary>
        public string T { get; }

        /// <summary>The element-wise chain applied to each accumulator before the store, if any.</summary>
        public FusedChain? Epilogue { get; }

        /// <summary>How the epilogue's operands are read (Lowering's <see cref="LoopChoice"/>).</summary>
        public LoopChoice Loops { get; }

        public Operands Operands { get; }

        /// <summary>How the product runs (Lowering's <see cref="ProductChoice"/>): its loop order and accumulator counts.</summary>
        public ProductChoice Choice { get; }

        private string AIndex(string i, string kk) => TransposeA ? $"{kk} * {M} + {i}" : $"{i} * {K} + {kk}";

        private string BIndex(string kk, string j) => TransposeB ? $"{j} * {K} + {kk}" : $"{kk} * {N} + {j}";

        private string Value(bool vector, string j) => Epilogue is null ? "acc" : Epilogue.Code(vector, id => Operands.Read(id, vector, "i", j));

        /// <summary>Stores (or adds) the accumulator <c>acc</c>, through the epilogue, at row <c>i</c>, column <paramref name="j"/>.</summary>
        private string Store(bool vector, string j = "j") => vector
            ? (_step.Target.Accumulate ? $"KernelMath.AddTo({T}, i * {N} + {j}, {Value(true, j)});" : $"KernelMath.Store({T}, i * {N} + {j}, {Value(true, j)});")
            : $"{T}[i * {N} + {j}] {(_step.Target.Accumulate ? "+=" : "=")} {Value(false, j)};";

        /// <summary>One <paramref name="dotProduct"/> (into <c>acc</c>) per element <c>j</c> of the row, then its store.</summary>
        public void EachElement(Action dotProduct)
        {
            using (_w.Block($"for (int j = 0; j < {N}; j++)"))
            {
                dotProduct();
                _w.Line(Store(false));
            }
        }

        /// <summary>A scalar dot product of row i of op(A) and column j of op(B) into <c>float acc</c>.</summary>
        public void ScalarDotProduct()
        {
            _w.Line("float acc = 0f;");
            using (_w.Block($"for (int kk = 0; kk < {K}; kk++)"))
            {
                _w.Line($"acc += {A.Name}[{AIndex("i", "kk")}] * {B.Name}[{BIndex("kk", "j")}];");
            }
        }

        /// <summary>
        /// The same dot product when A's row and B's column are both contiguous along K: one vector per accumulator per
        /// step (<see cref="ProductChoice.DotAccumulators"/>), one vector at a time, then a scalar tail.
        /// </summary>
        public void VectorDotProduct()
        {
            int n = Choice.DotAccumulators;
            _w.Line(Accumulators.Declare("Vector<float>", "acc", n));
            _w.Line("int kk = 0;");
            using (_w.Block($"for (; kk <= {K} - {n} * {Width}; kk += {n} * {Width})"))
            {
                for (int u = 0; u < n; u++)
                {
                    string k = u == 0 ? "kk" : u == 1 ? $"(kk + {Width})" : $"(kk + {u} * {Width})";
                    _w.Line($"acc{u} = Vector.FusedMultiplyAdd(KernelMath.Load({A.Name}, {AIndex("i", k)}), KernelMath.Load({B.Name}, {BIndex(k, "j")}), acc{u});");
                }
            }

            using (_w.Block($"for (; kk <= {K} - {Width}; kk += {Width})"))
            {
                _w.Line($"acc0 = Vector.FusedMultiplyAdd(KernelMath.Load({A.Name}, {AIndex("i", "kk")}), KernelMath.Load({B.Name}, {BIndex("kk", "j")}), acc0);");
            }

            _w.Line($"float acc = Vector.Sum({Accumulators.Sum("acc", n)});");
            using (_w.Block($"for (; kk < {K}; kk++)"))
            {
                _w.Line($"acc += {A.Name}[{AIndex("i", "kk")}] * {B.Name}[{BIndex("kk", "j")}];");
            }
        }

        /// <summary>
        /// Row i of C in tiles of <see cref="ProductChoice.TileVectors"/> vectors: each element of A is broadcast once
        /// and multiplied into that many independent accumulators (no reduction afterwards, whatever k is); then single
        /// vectors, with <see cref="ProductChoice.RowAccumulators"/> accumulators over k so the chain of multiply-adds
        /// overlaps; then scalar dot products.
        /// </summary>
        public void RowTiles()
        {
            int tile = Choice.TileVectors;
            _w.Line("int j = 0;");
            using (_w.Block($"for (; j <= {N} - {tile} * {Width}; j += {tile} * {Width})"))
            {
                _w.Line(Accumulators.Declare("Vector<float>", "acc", tile));
                using (_w.Block($"for (int kk = 0; kk < {K}; kk++)"))
                {
                    _w.Line($"var broadcast = new Vector<float>(KernelMath.Get({A.Name}, {AIndex("i", "kk")}));");
                    for (int u = 0; u < tile; u++)
                    {
                        _w.Line($"acc{u} = Vector.FusedMultiplyAdd(broadcast, KernelMath.Load({B.Name}, {BIndex("kk", TileColumn("j", u, parenthesised: true))}), acc{u});");
                    }
                }

                for (int u = 0; u < tile; u++)
                {
                    using (_w.Block())
                    {
                        _w.Line($"var acc = acc{u};");
                        _w.Line($"int jj = {TileColumn("j", u, parenthesised: false)};");
                        _w.Line(Store(true, "jj"));
                    }
                }
            }

            int steps = Choice.RowAccumulators;
            using (_w.Block($"for (; j <= {N} - {Width}; j += {Width})"))
            {
                _w.Line(Accumulators.Declare("Vector<float>", "acc", steps));
                _w.Line("int kk = 0;");
                using (_w.Block($"for (; kk <= {K} - {steps}; kk += {steps})"))
                {
                    for (int u = 0; u < steps; u++)
                    {
                        string kIndex = u == 0 ? "kk" : $"(kk + {u})";
                        _w.Line($"acc{u} = Vector.FusedMultiplyAdd(new Vector<float>(KernelMath.Get({A.Name}, {AIndex("i", kIndex)})), KernelMath.Load({B.Name}, {BIndex(kIndex, "j")}), acc{u});");
                    }
                }

                using (_w.Block($"for (; kk < {K}; kk++)"))
                {
                    _w.Line($"acc0 = Vector.FusedMultiplyAdd(new Vector<float>(KernelMath.Get({A.Name}, {AIndex("i", "kk")})), KernelMath.Load({B.Name}, {BIndex("kk", "j")}), acc0);");
                }

                _w.Line($"var acc = {Accumulators.Sum("acc", steps)};");
                _w.Line(Store(true));
            }

            using (_w.Block($"for (; j < {N}; j++)"))
            {
                ScalarDotProduct();
                _w.Line(Store(false));
            }
        }

        /// <summary>The column of the <paramref name="u"/>th vector of a tile starting at <paramref name="j"/>: j, j + Width, j + 2 * Width, ...</summary>
        private static string TileColumn(string j, int u, bool parenthesised)
        {
            if (u == 0)
            {
                return j;
            }

            string sum = $"{j} + {(u == 1 ? Width : $"{u} * {Width}")}";
            return parenthesised ? $"({sum})" : sum;
        }
    }
}
