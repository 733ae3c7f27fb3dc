namespace LayerGen;

// The eager reference operators and methods, as a layer's Forward writes them (x - x.Mean()).
// Each one delegates to its family in Ops/, where forward and backward sit side by side.
public sealed partial class Tensor
{
    /// <summary>Elementwise sum with NumPy broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => BinaryOps.Add(a, b);

    /// <summary>Adds a constant to every element.</summary>
    public static Tensor operator +(Tensor a, float b) => BinaryOps.Add(a, Scalar(b));

    /// <summary>Adds a constant to every element.</summary>
    public static Tensor operator +(float a, Tensor b) => BinaryOps.Add(Scalar(a), b);

    /// <summary>Elementwise difference with NumPy broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => BinaryOps.Subtract(a, b);

    /// <summary>Subtracts a constant from every element.</summary>
    public static Tensor operator -(Tensor a, float b) => BinaryOps.Subtract(a, Scalar(b));

    /// <summary>A constant minus every element.</summary>
    public static Tensor operator -(float a, Tensor b) => BinaryOps.ReverseSubtract(a, b);

    /// <summary>Elementwise product with NumPy broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => BinaryOps.Multiply(a, b);

    /// <summary>Scales every element.</summary>
    public static Tensor operator *(Tensor a, float b) => BinaryOps.Multiply(a, Scalar(b));

    /// <summary>Scales every element.</summary>
    public static Tensor operator *(float a, Tensor b) => BinaryOps.Multiply(Scalar(a), b);

    /// <summary>Elementwise quotient with NumPy broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => BinaryOps.Divide(a, b);

    /// <summary>Divides every element by a constant.</summary>
    public static Tensor operator /(Tensor a, float b) => BinaryOps.Divide(a, Scalar(b));

    /// <summary>A constant divided by every element.</summary>
    public static Tensor operator /(float a, Tensor b) => BinaryOps.Divide(Scalar(a), b);

    /// <summary>Elementwise negation.</summary>
    public static Tensor operator -(Tensor a) => UnaryOps.Negate(a);

    /// <summary>Matrix product with PyTorch's rules for 1-D and N-D operands (see <see cref="Ops.MatMul"/>).</summary>
    public Tensor MatMul(Tensor other) => MatMulOps.MatMul(this, other);

    /// <summary>The transpose of a 2-D tensor (a copy); rank 0 and 1 are returned unchanged.</summary>
    public Tensor T => ShapeOps.T(this);

    /// <summary>Swaps two dimensions (a copy); negative dimensions count from the end.</summary>
    public Tensor Transpose(int dim0, int dim1) => ShapeOps.Transpose(this, dim0, dim1);

    /// <summary>The same elements in a new shape, sharing storage; one dimension may be -1 (inferred).</summary>
    public Tensor Reshape(params int[] shape) => ShapeOps.Reshape(this, shape);

    /// <summary>The sum of all elements, as a 0-d tensor.</summary>
    public Tensor Sum() => ReductionOps.Sum(this);

    /// <summary>Sums over <paramref name="axis"/>, dropping it unless <paramref name="keepDim"/>.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => ReductionOps.Sum(this, axis, keepDim);

    /// <summary>The mean of all elements, as a 0-d tensor.</summary>
    public Tensor Mean() => ReductionOps.Mean(this);

    /// <summary>Averages over <paramref name="axis"/>, dropping it unless <paramref name="keepDim"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => ReductionOps.Mean(this, axis, keepDim);

    /// <summary>The same as <see cref="Reshape"/> (every tensor is contiguous, so a view always exists).</summary>
    public Tensor View(params int[] shape) => ShapeOps.Reshape(this, shape);

    /// <summary>Reorders the dimensions: output dimension i is input dimension <paramref name="dims"/>[i] (a copy; negative counts from the end).</summary>
    public Tensor Permute(params int[] dims) => ShapeOps.Permute(this, dims);

    /// <summary>
    /// <paramref name="length"/> elements of <paramref name="dim"/> from <paramref name="start"/> (negative counts
    /// from the end); throws when they do not fit, as torch.narrow. A copy.
    /// </summary>
    public Tensor Narrow(int dim, int start, int length) => ShapeOps.Narrow(this, dim, start, length);

    /// <summary>
    /// Elements <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) of <paramref name="dim"/>,
    /// as Python's <c>x[..., start:end]</c>: negative values count from the end and out-of-range bounds
    /// are clamped. A copy.
    /// </summary>
    public Tensor Slice(int dim, int start, int end) => ShapeOps.Slice(this, dim, start, end);

    /// <summary>The largest element along <paramref name="axis"/> (torch.max(dim)'s values); the gradient goes to the first arg-max.</summary>
    public Tensor Max(int axis, bool keepDim = false) => ReductionOps.Max(this, axis, keepDim);

    /// <summary>The smallest element along <paramref name="axis"/> (torch.min(dim)'s values); the gradient goes to the first arg-min.</summary>
    public Tensor Min(int axis, bool keepDim = false) => ReductionOps.Min(this, axis, keepDim);

    /// <summary>See <see cref="Ops.Softmax"/>.</summary>
    public Tensor Softmax(int axis) => SoftmaxOps.Softmax(this, axis);

    /// <summary>See <see cref="Ops.LogSoftmax"/>.</summary>
    public Tensor LogSoftmax(int axis) => SoftmaxOps.LogSoftmax(this, axis);

    /// <summary>See <see cref="Ops.Sqrt"/>.</summary>
    public Tensor Sqrt() => UnaryOps.Sqrt(this);

    /// <summary>See <see cref="Ops.Abs"/>.</summary>
    public Tensor Abs() => UnaryOps.Abs(this);

    /// <summary>See <see cref="Ops.Erf"/>.</summary>
    public Tensor Erf() => UnaryOps.Erf(this);

    /// <summary>See <see cref="Ops.Square"/>.</summary>
    public Tensor Square() => UnaryOps.Square(this);

    /// <summary>See <see cref="Ops.Pow(Tensor, float)"/>.</summary>
    public Tensor Pow(float exponent) => UnaryOps.Pow(this, exponent);

    /// <summary>See <see cref="Ops.Clamp"/>.</summary>
    public Tensor Clamp(float min, float max) => UnaryOps.Clamp(this, min, max);

    /// <summary>1 where this &gt; <paramref name="other"/>, else 0 (broadcasting; no gradient).</summary>
    public Tensor Gt(Tensor other) => ComparisonOps.Compare(ComparisonOps.Comparison.Greater, this, other);

    /// <summary>1 where this &gt; <paramref name="other"/>, else 0 (no gradient).</summary>
    public Tensor Gt(float other) => Gt(Scalar(other));

    /// <summary>1 where this &lt; <paramref name="other"/>, else 0 (broadcasting; no gradient).</summary>
    public Tensor Lt(Tensor other) => ComparisonOps.Compare(ComparisonOps.Comparison.Less, this, other);

    /// <summary>1 where this &lt; <paramref name="other"/>, else 0 (no gradient).</summary>
    public Tensor Lt(float other) => Lt(Scalar(other));

    /// <summary>1 where this &gt;= <paramref name="other"/>, else 0 (broadcasting; no gradient).</summary>
    public Tensor Ge(Tensor other) => ComparisonOps.Compare(ComparisonOps.Comparison.GreaterOrEqual, this, other);

    /// <summary>1 where this &gt;= <paramref name="other"/>, else 0 (no gradient).</summary>
    public Tensor Ge(float other) => Ge(Scalar(other));

    /// <summary>1 where this &lt;= <paramref name="other"/>, else 0 (broadcasting; no gradient).</summary>
    public Tensor Le(Tensor other) => ComparisonOps.Compare(ComparisonOps.Comparison.LessOrEqual, this, other);

    /// <summary>1 where this &lt;= <paramref name="other"/>, else 0 (no gradient).</summary>
    public Tensor Le(float other) => Le(Scalar(other));

    /// <summary>1 where this == <paramref name="other"/>, else 0 (broadcasting; no gradient). Not the <c>==</c> operator, which stays reference equality.</summary>
    public Tensor Eq(Tensor other) => ComparisonOps.Compare(ComparisonOps.Comparison.Equal, this, other);

    /// <summary>1 where this == <paramref name="other"/>, else 0 (no gradient).</summary>
    public Tensor Eq(float other) => Eq(Scalar(other));

    /// <summary>The mask <c>a.Gt(b)</c>: 1 where a &gt; b, else 0.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => ComparisonOps.Compare(ComparisonOps.Comparison.Greater, a, b);

    /// <summary>The mask <c>a.Lt(b)</c>: 1 where a &lt; b, else 0.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => ComparisonOps.Compare(ComparisonOps.Comparison.Less, a, b);

    /// <summary>The mask <c>a.Ge(b)</c>: 1 where a &gt;= b, else 0.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => ComparisonOps.Compare(ComparisonOps.Comparison.GreaterOrEqual, a, b);

    /// <summary>The mask <c>a.Le(b)</c>: 1 where a &lt;= b, else 0.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => ComparisonOps.Compare(ComparisonOps.Comparison.LessOrEqual, a, b);

    /// <summary>The mask <c>a.Gt(b)</c>: 1 where a &gt; b, else 0.</summary>
    public static Tensor operator >(Tensor a, float b) => ComparisonOps.Compare(ComparisonOps.Comparison.Greater, a, Scalar(b));

    /// <summary>The mask <c>a.Lt(b)</c>: 1 where a &lt; b, else 0.</summary>
    public static Tensor operator <(Tensor a, float b) => ComparisonOps.Compare(ComparisonOps.Comparison.Less, a, Scalar(b));

    /// <summary>The mask <c>a.Ge(b)</c>: 1 where a &gt;= b, else 0.</summary>
    public static Tensor operator >=(Tensor a, float b) => ComparisonOps.Compare(ComparisonOps.Comparison.GreaterOrEqual, a, Scalar(b));

    /// <summary>The mask <c>a.Le(b)</c>: 1 where a &lt;= b, else 0.</summary>
    public static Tensor operator <=(Tensor a, float b) => ComparisonOps.Compare(ComparisonOps.Comparison.LessOrEqual, a, Scalar(b));
}
