using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Ir;
using LayerGen.Generator.Lowering;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Emits an einsum as one loop per letter, contracting into registers: each output element (or
/// vector of output elements) is summed in accumulators over every summed letter and written once,
/// instead of being loaded, added to and stored again for every term.
/// </summary>
/// <remarks>
/// A two-operand einsum that is one matrix product over merged axes (<see cref="EinsumMatrixForm"/>)
/// calls the runtime GEMM when it is large enough, like <see cref="MatMulEmitter"/>; the loops below
/// are its small-size path and the only path of every other einsum.
/// One letter is vectorised when it is contiguous (the last axis) in every operand holding it:
/// preferably the output's last letter (a vector of outputs per accumulator), otherwise a summed
/// letter (a vector of partial sums, added up across lanes at the end). A vectorised output letter gets a
/// <c>Vector512</c> pass first where the hardware has one, as the element-wise loops do. The innermost scalar
/// summed loop is unrolled <see cref="ProductChoice.SummedUnroll"/> times into independent accumulators, so the adds
/// do not wait on each other's latency. Lowering chose all of these (<see cref="ProductChoice"/>); this class prints them.
/// </remarks>
internal sealed class EinsumEmitter
{
    private const string Width = "Vector<float>.Count";
    private readonly KernelPlan _plan;

    public EinsumEmitter(KernelPlan plan) => _plan = plan;

    /// <param name="w">Where the loops go.</param>
    /// <param name="step">The einsum and its target.</param>
    /// <param name="overwriteFlag">
    /// For the first write of a parameter gradient: the kernel parameter saying its contents count as zeros;
    /// the GEMM then overwrites instead of accumulating, and the loops clear it first.
    /// </param>
    public void Emit(SourceWriter w, StructuralStep step, string? overwriteFlag = null)
    {
        var node = _plan.Graph[step.Node];
        var equation = EinsumEquation.Parse(node.Equation, out _)!;
        var operands = node.Args.Select(a => _plan.Buffers[a]).ToList();
        string t = step.Target.Buffer.Name;
        bool accumulate = step.Target.Accumulate;

        var sizes = EinsumLetterSizes.Of(_plan, node, equation);
        string source = node.Text.Length > 0 ? $"      (from: {node.Text})" : string.Empty;
        w.Comment($"{t} {(accumulate ? "+=" : "=")} einsum(\"{node.Equation}\", {string.Join(", ", operands.Select(o => o.Name))}){source}   {node.Shape}");

        // Lowering chose how this product runs (ProductChoices): the matrix form and the GEMM, or which letter the loops vectorise.
        var choice = _plan.Products[step.Node];
        var summed = equation.Letters.Where(c => !equation.Output.Contains(c)).ToList();
        var einsum = new Loops(equation, operands, sizes, t, node.Shape, accumulate, choice);
        if (choice.GemmAboveThreshold && choice.MatrixForm is { } product)
        {
            // One matrix product over merged axes: large ones go to the runtime GEMM, as MatMul's do.
            string m = product.M, n = product.N, k = product.K;
            w.Comment($"as a matrix product: [{m}, {k}]·[{k}, {n}]{(product.TransposeA ? ", first factor stored transposed" : string.Empty)}{(product.TransposeB ? ", second factor stored transposed" : string.Empty)}");
            w.Line($"if ((long){m} * {n} * {k} >= {ProductChoice.GemmThreshold})");
            using (w.Block())
            {
                string Bool(bool value) => value ? "true" : "false";
                string accumulateCode = !accumulate ? "false" : overwriteFlag is null ? "true" : $"!{overwriteFlag}";
                w.Line($"Gemm.MatMul({m}, {n}, {k}, {operands[product.A].Name}, {Bool(product.TransposeA)}, {operands[product.B].Name}, {Bool(product.TransposeB)}, {t}.Slice(0, {m} * {n}), accumulate: {accumulateCode});");
            }

            w.Line("else");
        }

        using (w.Block())
        {
            if (overwriteFlag is not null && accumulate)
            {
                w.Line($"if ({overwriteFlag}) {t}.Clear();");
            }

            if (choice.VectorOutputAxis is char v)
            {
                einsum.EmitOutputVector(w, v, summed);
            }
            else if (choice.VectorSummedAxis is char sv)
            {
                einsum.EmitSummedVector(w, sv, summed.Where(c => c != sv).ToList());
            }
            else
            {
                einsum.EmitScalar(w, summed);
            }
        }
    }

    /// <summary>The loop-writing half of the emitter, over one einsum's letters, sizes and operands.</summary>
    private sealed class Loops
    {
        private readonly EinsumEquation _equation;
        private readonly IReadOnlyList<Lowering.Buffer> _operands;
        private readonly Dictionary<char, Dim> _sizes;
        private readonly string _target;
        private readonly Shape _targetShape;
        private readonly bool _accumulate;
        private readonly ProductChoice _choice;

        public Loops(EinsumEquation equation, IReadOnlyList<Lowering.Buffer> operands, Dictionary<char, Dim> sizes, string target, Shape targetShape, bool accumulate, ProductChoice choice)
        {
            _choice = choice;
            _equation = equation;
            _operands = operands;
            _sizes = sizes;
            _target = target;
            _targetShape = targetShape;
            _accumulate = accumulate;
        }

        private static string Var(char letter) => "e_" + letter;

        // The flat index of operand (or output) letters, with the unrolled letter shifted by `offset`.
        private static string IndexOf(string subscript, Shape shape, char? unrolled, int offset) =>
            subscript.Length == 0
                ? "0"
                : LoopNest.Index(shape, subscript.Select(c => c == unrolled && offset > 0 ? $"({Var(c)} + {offset})" : Var(c)).ToArray());

        // Unchecked reads: the layer checked every span's length once before calling the kernel.
        private string Element(int operand, char? unrolled, int offset) =>
            $"KernelMath.Get({_operands[operand].Name}, {IndexOf(_equation.Inputs[operand], _operands[operand].Shape, unrolled, offset)})";

        private string TargetIndex => IndexOf(_equation.Output, _targetShape, null, 0);

        private IEnumerable<int> Holding(char letter) => Enumerable.Range(0, _operands.Count).Where(i => _equation.Inputs[i].Contains(letter));

        private IEnumerable<int> NotHolding(char letter) => Enumerable.Range(0, _operands.Count).Where(i => !_equation.Inputs[i].Contains(letter));

        /// <summary>Output's last letter vectorised: one vector accumulator per unrolled summed step.</summary>
        public void EmitOutputVector(SourceWriter w, char v, IReadOnlyList<char> summed)
        {
            var outer = _equation.Output.Where(c => c != v).ToList();
            char? unrolled = _choice.UnrolledSummedAxis;
            int lanes = _choice.SummedUnroll;
            var closers = OpenLoops(w, outer);
            w.Line($"int {Var(v)} = 0;");
            void VectorBody(Lanes width, string type)
            {
                w.Line(Accumulators.Declare(type, "acc", lanes));
                Reduce(w, summed, unrolled, q => $"acc{q} = {VectorTerm(width, v, unrolled, q, $"acc{q}")};");
                string sum = Accumulators.Sum("acc", lanes);
                w.Line(_accumulate ? $"KernelMath.AddTo({_target}, {TargetIndex}, {sum});" : $"KernelMath.Store({_target}, {TargetIndex}, {sum});");
            }

            // Vector512 first where the hardware has it (Vector<float> stays 256 bits on AVX-512): each output
            // element is still summed in the same order, so the result does not depend on the width.
            if (_choice.WideOutputPass)
            {
                LanesCode.WideLoop(w, Var(v), _sizes[v].Code, () => VectorBody(Lanes.Wide, "Vector512<float>"));
            }

            using (w.Block($"for (; {Var(v)} <= {_sizes[v].Code} - {Width}; {Var(v)} += {Width})"))
            {
                VectorBody(Lanes.Vector, "Vector<float>");
            }

            using (w.Block($"for (; {Var(v)} < {_sizes[v].Code}; {Var(v)}++)"))
            {
                w.Line(Accumulators.Declare("float", "acc", lanes, "0f"));
                Reduce(w, summed, unrolled, q => $"acc{q} += {ScalarTerm(unrolled, q)};");
                w.Line($"{_target}[{TargetIndex}] {(_accumulate ? "+=" : "=")} {Accumulators.Sum("acc", lanes)};");
            }

            Close(closers);
        }

        /// <summary>
        /// A summed letter vectorised: vector accumulators of partial sums (one per unrolled step of the
        /// innermost other summed letter), a scalar one for the vector loop's tail, added up at the end.
        /// </summary>
        public void EmitSummedVector(SourceWriter w, char v, IReadOnlyList<char> otherSummed)
        {
            char? unrolled = _choice.UnrolledSummedAxis;
            int lanes = _choice.SummedUnroll;
            var closers = OpenLoops(w, _equation.Output.ToList());
            w.Line(Accumulators.Declare("Vector<float>", "acc", lanes));
            w.Line("float tail = 0f;");
            Reduce(w, otherSummed, unrolled, null, offsets =>
            {
                w.Line($"int {Var(v)} = 0;");
                using (w.Block($"for (; {Var(v)} <= {_sizes[v].Code} - {Width}; {Var(v)} += {Width})"))
                {
                    foreach (int q in offsets)
                    {
                        w.Line($"acc{q} = {VectorTerm(Lanes.Vector, v, unrolled, q, $"acc{q}")};");
                    }
                }

                using (w.Block($"for (; {Var(v)} < {_sizes[v].Code}; {Var(v)}++)"))
                {
                    foreach (int q in offsets)
                    {
                        w.Line($"tail += {ScalarTerm(unrolled, q)};");
                    }
                }
            });
            w.Line($"{_target}[{TargetIndex}] {(_accumulate ? "+=" : "=")} Vector.Sum({Accumulators.Sum("acc", lanes)}) + tail;");
            Close(closers);
        }

        /// <summary>No letter can be vectorised: scalar accumulators.</summary>
        public void EmitScalar(SourceWriter w, IReadOnlyList<char> summed)
        {
            char? unrolled = _choice.UnrolledSummedAxis;
            int lanes = _choice.SummedUnroll;
            var closers = OpenLoops(w, _equation.Output.ToList());
            w.Line(Accumulators.Declare("float", "acc", lanes, "0f"));
            Reduce(w, summed, unrolled, q => $"acc{q} += {ScalarTerm(unrolled, q)};");
            w.Line($"{_target}[{TargetIndex}] {(_accumulate ? "+=" : "=")} {Accumulators.Sum("acc", lanes)};");
            Close(closers);
        }

        // acc + (product of the operands not holding v, broadcast) · (loads of those holding it), fused.
        private string VectorTerm(Lanes width, char v, char? unrolled, int offset, string accumulator)
        {
            var scalars = NotHolding(v).Select(i => Element(i, unrolled, offset)).ToList();
            var vectors = Holding(v).Select(i => width.Load(_operands[i].Name, IndexOf(_equation.Inputs[i], _operands[i].Shape, unrolled, offset))).ToList();
            if (scalars.Count > 0)
            {
                vectors.Insert(0, width.Broadcast(string.Join(" * ", scalars)));
            }

            bool wide = width == Lanes.Wide;
            string last = vectors[vectors.Count - 1];
            string rest = vectors.Count == 1 ? (wide ? "Vector512<float>.One" : "Vector<float>.One") : string.Join(" * ", vectors.Take(vectors.Count - 1));
            return $"{(wide ? "Vector512" : "Vector")}.FusedMultiplyAdd({rest}, {last}, {accumulator})";
        }

        private string ScalarTerm(char? unrolled, int offset) =>
            string.Join(" * ", Enumerable.Range(0, _operands.Count).Select(i => Element(i, unrolled, offset)));

        /// <summary>
        /// Loops over the summed letters; the innermost (<paramref name="unrolled"/>) runs
        /// <see cref="ProductChoice.SummedUnroll"/> steps per iteration, then a remainder loop one step at a time.
        /// The body is one statement per step (<paramref name="statement"/>) or a block writer given the
        /// steps' offsets (<paramref name="block"/>).
        /// </summary>
        private void Reduce(SourceWriter w, IReadOnlyList<char> summed, char? unrolled, Func<int, string>? statement, Action<int[]>? block = null)
        {
            void Body(int[] offsets)
            {
                if (block is not null)
                {
                    block(offsets);
                    return;
                }

                foreach (int q in offsets)
                {
                    w.Line(statement!(q));
                }
            }

            if (unrolled is not char u)
            {
                Body([0]);
                return;
            }

            var closers = OpenLoops(w, summed.Take(summed.Count - 1).ToList());
            w.Line($"int {Var(u)} = 0;");
            int unroll = _choice.SummedUnroll;
            using (w.Block($"for (; {Var(u)} <= {_sizes[u].Code} - {unroll}; {Var(u)} += {unroll})"))
            {
                Body(Enumerable.Range(0, unroll).ToArray());
            }

            using (w.Block($"for (; {Var(u)} < {_sizes[u].Code}; {Var(u)}++)"))
            {
                Body([0]);
            }

            Close(closers);
        }

        private List<IDisposable> OpenLoops(SourceWriter w, IReadOnlyList<char> letters) =>
            letters.Select(c => w.Block($"for (int {Var(c)} = 0; {Var(c)} < {_sizes[c].Code}; {Var(c)}++)")).ToList();

        private static void Close(List<IDisposable> closers)
        {
            for (int i = closers.Count - 1; i >= 0; i--)
            {
                closers[i].Dispose();
            }
        }
    }
}
