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
}
