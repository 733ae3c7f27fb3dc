using System;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>+ - * /</c> with NumPy broadcasting: forward and its vector-Jacobian
/// product side by side, one case per operator.
/// </summary>
internal static class BinaryOps
{
    public static Tensor Add(Tensor a, Tensor b) => Apply(BinaryOp.Add, "AddBackward0", a, b);

    public static Tensor Subtract(Tensor a, Tensor b) => Apply(BinaryOp.Subtract, "SubBackward0", a, b);

    /// <summary><c>float - tensor</c>; PyTorch records it as <c>RsubBackward1</c>.</summary>
    public static Tensor ReverseSubtract(float a, Tensor b) => Apply(BinaryOp.Subtract, "RsubBackward1", Tensor.Scalar(a), b);

    public static Tensor Multiply(Tensor a, Tensor b) => Apply(BinaryOp.Multiply, "MulBackward0", a, b);

    public static Tensor Divide(Tensor a, Tensor b) => Apply(BinaryOp.Divide, "DivBackward0", a, b);

    private enum BinaryOp
    {
        Add,
        Subtract,
        Multiply,
        Divide,
    }

    private static Tensor Apply(BinaryOp op, string name, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] shape = Broadcast.Shape(a.Shape, b.Shape);
        int[] mapA = Broadcast.IndexMap(shape, a.Shape);
        int[] mapB = Broadcast.IndexMap(shape, b.Shape);
        float[] x = a.Data, y = b.Data;
        var z = new float[mapA.Length];
        for (int i = 0; i < z.Length; i++)
        {
            float u = x[mapA[i]], v = y[mapB[i]];
            z[i] = op switch
            {
                BinaryOp.Add => u + v,
                BinaryOp.Subtract => u - v,
                BinaryOp.Multiply => u * v,
                _ => u / v,
            };
        }

        Tensor result = Tensor.Wrap(z, shape);
        if (GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad))
        {
            result.SetGradFn(new BinaryBackward(op, name, a, b, mapA, mapB));
        }

        return result;
    }

    /// <summary>
    /// z = a op b over broadcast shapes. Accumulating through the index maps sums the gradient over
    /// every output element an input element fed, which is exactly the reduction broadcasting needs.
    /// </summary>
    private sealed class BinaryBackward(BinaryOp op, string name, Tensor a, Tensor b, int[] mapA, int[] mapB)
        : GradFn(name, a, b)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            float[] x = a.Data, y = b.Data;
            if (inputGrads[0] is { } gradA)
            {
                // dz/da: 1, 1, b, 1/b
                for (int i = 0; i < outputGrad.Length; i++)
                {
                    float g = outputGrad[i];
                    gradA[mapA[i]] += op switch
                    {
                        BinaryOp.Add or BinaryOp.Subtract => g,
                        BinaryOp.Multiply => g * y[mapB[i]],
                        _ => g / y[mapB[i]],
                    };
                }
            }

            if (inputGrads[1] is { } gradB)
            {
                // dz/db: 1, -1, a, -a/b^2
                for (int i = 0; i < outputGrad.Length; i++)
                {
                    float g = outputGrad[i];
                    float v = y[mapB[i]];
                    gradB[mapB[i]] += op switch
                    {
                        BinaryOp.Add => g,
                        BinaryOp.Subtract => -g,
                        BinaryOp.Multiply => g * x[mapA[i]],
                        _ => -g * x[mapA[i]] / (v * v),
                    };
                }
            }
        }
    }
}
