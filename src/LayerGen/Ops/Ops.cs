using System;

namespace LayerGen;

/// <summary>
/// Functions a layer's <c>Forward</c> can call (<c>Ops.Relu(x.MatMul(weight) + bias)</c>), named as in
/// <c>torch</c>. Run directly, they are the eager reference path: naive, allocating, any shape, and
/// recorded for <see cref="Tensor.Backward()"/> when gradients are enabled.
/// </summary>
public static partial class Ops
{
    /// <summary>
    /// max(x, 0), elementwise; NaN stays NaN, as torch.relu. Its gradient is 0 where the output is &lt;= 0 (so at
    /// exactly 0) and passes elsewhere, at NaN too, as PyTorch's threshold_backward.
    /// </summary>
    public static Tensor Relu(Tensor x) => UnaryOps.Relu(x);

    /// <summary>tanh(x), elementwise.</summary>
    public static Tensor Tanh(Tensor x) => UnaryOps.Tanh(x);

    /// <summary>1 / (1 + e^-x), elementwise.</summary>
    public static Tensor Sigmoid(Tensor x) => UnaryOps.Sigmoid(x);

    /// <summary>e^x, elementwise.</summary>
    public static Tensor Exp(Tensor x) => UnaryOps.Exp(x);

    /// <summary>The natural logarithm, elementwise.</summary>
    public static Tensor Log(Tensor x) => UnaryOps.Log(x);

    /// <summary>The same as <c>a.MatMul(b)</c>.</summary>
    public static Tensor MatMul(Tensor a, Tensor b) => MatMulOps.MatMul(a, b);

    /// <summary>
    /// GELU, elementwise, as <c>torch.nn.functional.gelu</c>: by default (<paramref name="approximate"/> = "none")
    /// the exact x Φ(x) = 0.5 x (1 + erf(x / sqrt(2))); with "tanh" its approximation
    /// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="approximate"/> is neither "none" nor "tanh".</exception>
    public static Tensor Gelu(Tensor x, string approximate = "none") => UnaryOps.Gelu(x, approximate);

    /// <summary>The error function erf(x) = 2/sqrt(pi) ∫₀ˣ e^(-t²) dt, elementwise; its gradient is 2/sqrt(pi) e^(-x²).</summary>
    public static Tensor Erf(Tensor x) => UnaryOps.Erf(x);

    /// <summary>The square root, elementwise (NaN below 0; gradient +inf at 0, as in PyTorch).</summary>
    public static Tensor Sqrt(Tensor x) => UnaryOps.Sqrt(x);

    /// <summary>|x|, elementwise; its gradient is sign(x), 0 at 0.</summary>
    public static Tensor Abs(Tensor x) => UnaryOps.Abs(x);

    /// <summary>x * x, elementwise.</summary>
    public static Tensor Square(Tensor x) => UnaryOps.Square(x);

    /// <summary>x to a constant power, elementwise (NaN for a negative x and a non-integer exponent, as in PyTorch).</summary>
    public static Tensor Pow(Tensor x, float exponent) => UnaryOps.Pow(x, exponent);

    /// <summary>
    /// min(max(x, min), max), elementwise; the gradient is 1 where min &lt;= x &lt;= max (bounds included,
    /// as in PyTorch) and 0 elsewhere. When min &gt; max every element becomes max.
    /// </summary>
    public static Tensor Clamp(Tensor x, float min, float max) => UnaryOps.Clamp(x, min, max);

    /// <summary>e^x / sum e^x along <paramref name="axis"/> (negative counts from the end); stable for large |x|.</summary>
    public static Tensor Softmax(Tensor x, int axis) => SoftmaxOps.Softmax(x, axis);

    /// <summary>x - log sum e^x along <paramref name="axis"/> (negative counts from the end); stable for large |x|.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis) => SoftmaxOps.LogSoftmax(x, axis);

    /// <summary>
    /// The larger of a and b, elementwise with broadcasting (NaN if either is NaN). The gradient goes to
    /// the larger operand; on a tie each gets half, as in PyTorch.
    /// </summary>
    public static Tensor Maximum(Tensor a, Tensor b) => ComparisonOps.Maximum(a, b);

    /// <summary>The smaller of a and b, elementwise with broadcasting; gradient as <see cref="Maximum"/>.</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => ComparisonOps.Minimum(a, b);

    /// <summary>
    /// a where <paramref name="mask"/> is non-zero, else b; the three broadcast together. Gradients go
    /// to the chosen elements of a and b; the mask gets none.
    /// </summary>
    public static Tensor Where(Tensor mask, Tensor a, Tensor b) => ComparisonOps.Where(mask, a, b);

    /// <summary>
    /// a where <paramref name="mask"/> is non-zero, else the constant b, as <c>torch.where(mask, a, b)</c> with
    /// a Python number: the attention-mask pattern <c>Ops.Where(mask, scores, float.NegativeInfinity)</c>.
    /// </summary>
    public static Tensor Where(Tensor mask, Tensor a, float b) => ComparisonOps.Where(mask, a, Tensor.Scalar(b));

    /// <summary>The constant a where <paramref name="mask"/> is non-zero, else b.</summary>
    public static Tensor Where(Tensor mask, float a, Tensor b) => ComparisonOps.Where(mask, Tensor.Scalar(a), b);

    /// <summary>Joins tensors along an existing axis (torch.cat): same rank, same sizes except along <paramref name="axis"/>.</summary>
    public static Tensor Concat(int axis, params Tensor[] tensors) => ShapeOps.Concat(axis, tensors);

    /// <summary>Joins equal-shaped tensors along a new axis inserted at <paramref name="axis"/> (torch.stack).</summary>
    public static Tensor Stack(int axis, params Tensor[] tensors) => ShapeOps.Stack(axis, tensors);

    /// <summary>
    /// Einstein summation in the explicit form, e.g. <c>Ops.Einsum("ijk,bi,bj-&gt;bk", weight, x, x)</c>:
    /// lowercase letters, 1 to 4 operands (one tensor may be passed several times), letters missing from
    /// the output are summed. No broadcasting: a letter has one size throughout.
    /// </summary>
    /// <exception cref="ArgumentException">The equation is malformed or does not fit the operands' shapes.</exception>
    public static Tensor Einsum(string equation, params Tensor[] operands) => EinsumOps.Einsum(equation, operands);

    /// <summary>
    /// The first n/2 (floor) DFT coefficients along the last axis (n = its size), as [..., n/2, 2] =
    /// (real, imaginary), with torch.fft.fft's convention X_k = sum_t x_t e^(-2 pi i k t / n), no normalisation.
    /// </summary>
    public static Tensor FftHalf(Tensor x) => FourierOps.FftHalf(x);

    /// <summary>
    /// Inverted dropout, as torch's: while <see cref="DropoutTraining"/>, each element is kept with
    /// probability 1 - p and scaled by 1/(1 - p), else zeroed. Otherwise (or when p = 0) returns
    /// <paramref name="x"/> itself.
    /// </summary>
    /// <remarks>
    /// The mask is drawn from <see cref="RandomSource"/>: one <see cref="RandomSource.NextFloat"/> per
    /// element in row-major order, the element kept when that draw is &gt;= p; the scale is
    /// <c>(float)(1.0 / (1.0 - p))</c>. Generated kernels draw the same way, so the eager and generated
    /// paths agree under the same <see cref="RandomSource.ManualSeed"/>. Nothing is drawn when the op
    /// is the identity.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in [0, 1].</exception>
    public static Tensor Dropout(Tensor x, float p) => DropoutOps.Dropout(x, p);

    /// <summary>
    /// Whether <see cref="Dropout"/> drops on the current thread (default true). Layers set it around
    /// their eager path from their <see cref="IModule.Training"/> mode, through <see cref="DropoutMode"/>.
    /// </summary>
    public static bool DropoutTraining
    {
        get => DropoutOps.Training;
        set => DropoutOps.Training = value;
    }

    /// <summary>
    /// Sets <see cref="DropoutTraining"/> until the returned scope is disposed:
    /// <c>using (Ops.DropoutMode(training: false)) { ... }</c>.
    /// </summary>
    public static DropoutScope DropoutMode(bool training)
    {
        var scope = new DropoutScope(DropoutOps.Training);
        DropoutOps.Training = training;
        return scope;
    }

    /// <summary>Restores the <see cref="DropoutTraining"/> that was in force when it was created; a struct so <c>using</c> does not allocate.</summary>
    public readonly struct DropoutScope : IDisposable
    {
        // "Was eval" rather than "was training" so that disposing a default(DropoutScope) restores training.
        private readonly bool _wasEval;

        internal DropoutScope(bool wasTraining) => _wasEval = !wasTraining;

        /// <summary>Restores the previous mode; nesting works because each scope restores its own.</summary>
        public void Dispose() => DropoutOps.Training = !_wasEval;
    }

    /// <summary>
    /// From x [..., C], the element at each row's index: indices [...] hold whole numbers in [0, C) as
    /// floats (<c>x.gather(-1, indices.unsqueeze(-1)).squeeze(-1)</c> in torch). Cross-entropy is
    /// <c>-Ops.Pick(Ops.LogSoftmax(logits, -1), labels).Mean()</c>.
    /// </summary>
    public static Tensor Pick(Tensor x, Tensor indices) => PickOps.Pick(x, indices);

    /// <summary>
    /// Rows of <paramref name="weight"/> [num_embeddings, embedding_dim] picked by the int64 <paramref name="ids"/>, as
    /// <c>F.embedding(ids, weight)</c>: shape <c>ids.Shape ++ [embedding_dim]</c>; an id outside [0, num_embeddings),
    /// negative ones included, is an error naming it. The gradient scatter-adds into weight (repeated ids accumulate).
    /// </summary>
    public static Tensor Embedding(Tensor ids, Tensor weight) => IndexOps.Embedding(ids, weight);

    /// <summary>The same as <c>x.IndexSelect(dim, ids)</c> (torch.index_select).</summary>
    public static Tensor IndexSelect(Tensor x, int dim, Tensor ids) => IndexOps.IndexSelect(x, dim, ids);

    /// <summary>The same as <c>x.Gather(dim, index)</c> (torch.gather).</summary>
    public static Tensor Gather(Tensor x, int dim, Tensor index) => IndexOps.Gather(x, dim, index);
}
