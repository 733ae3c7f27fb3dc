namespace LayerGen;

/// <summary>
/// Functions a layer's <c>Forward</c> can call (<c>Ops.Relu(x.MatMul(weight) + bias)</c>), named as in
/// <c>torch</c>. Run directly, they are the eager reference path: naive, allocating, any shape, and
/// recorded for <see cref="Tensor.Backward()"/> when gradients are enabled.
/// </summary>
public static class Ops
{
    /// <summary>max(x, 0), elementwise. Its gradient at exactly 0 is 0, as in PyTorch.</summary>
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
}
