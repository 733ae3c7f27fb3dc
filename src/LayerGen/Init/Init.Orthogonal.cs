using System;

namespace LayerGen;

// Orthogonal initialisation (Saxe et al., 2013), with PyTorch's recipe for orthogonal_.
public static partial class Init
{
    /// <summary>A (semi-)orthogonal tensor, as <c>orthogonal_</c> with gain 1. Needs at least two dimensions.</summary>
    public static Tensor Orthogonal(params int[] shape) => Orthogonal(new Tensor(shape));

    /// <summary>
    /// A (semi-)orthogonal tensor scaled by <paramref name="gain"/>. Write the gain as a float: an int in
    /// first position is read as a size by the overload without a gain.
    /// </summary>
    public static Tensor Orthogonal(float gain, params int[] shape) => Orthogonal(new Tensor(shape), gain);

    /// <summary>
    /// Fills <paramref name="tensor"/> as <c>orthogonal_(tensor, gain)</c>: viewed as a matrix of
    /// rows = shape[0] and cols = (all other dimensions), its rows are orthonormal when rows ≤ cols and its
    /// columns are orthonormal when rows ≥ cols, times <paramref name="gain"/>.
    /// </summary>
    /// <remarks>
    /// PyTorch's recipe: draw a rows × cols standard-normal matrix (transposed when rows &lt; cols), take its
    /// reduced QR decomposition, make the diagonal of R positive by flipping the matching columns of Q (so
    /// that Q is Haar-distributed, not biased by the QR algorithm's sign choices), transpose back.
    /// The QR runs in double precision with Householder reflections; a zero on R's diagonal (probability
    /// zero) keeps its column's sign, where PyTorch's <c>sign(0) = 0</c> would zero the column.
    /// </remarks>
    /// <exception cref="ArgumentException">The tensor has fewer than two dimensions.</exception>
    public static Tensor Orthogonal(Tensor tensor, float gain = 1f)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
        {
            throw new ArgumentException(
                $"Only tensors with 2 or more dimensions are supported (shape {Tensor.FormatShape(tensor.Shape)})", nameof(tensor));
        }

        if (tensor.Count == 0)
        {
            return tensor;
        }

        int rows = tensor.Size(0);
        int cols = tensor.Count / rows;
        var draws = new float[tensor.Count];
        RandomSource.FillNormal(draws);

        // a: m × n with m >= n, row-major: the draws, or their transpose when the tensor is wide.
        bool wide = rows < cols;
        int m = wide ? cols : rows, n = wide ? rows : cols;
        var a = new double[m * n];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double value = draws[r * cols + c];
                if (wide)
                {
                    a[c * n + r] = value;
                }
                else
                {
                    a[r * n + c] = value;
                }
            }
        }

        double[] q = ReducedQ(a, m, n);
        float[] data = tensor.Data;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float value = (float)(gain * q[i * n + j]);
                if (wide)
                {
                    data[j * cols + i] = value; // back to rows × cols
                }
                else
                {
                    data[i * cols + j] = value;
                }
            }
        }

        return tensor;
    }

    /// <summary>
    /// Q of the reduced QR decomposition of the m × n matrix <paramref name="a"/> (m ≥ n, row-major,
    /// overwritten), with its columns' signs chosen so that R has a non-negative diagonal.
    /// </summary>
    private static double[] ReducedQ(double[] a, int m, int n)
    {
        // Householder: for column k, the reflector H_k = I - 2 v vᵀ (unit v, zero above row k) maps
        // a[k.., k] onto alpha e_k with alpha = -sign(a[k, k]) ‖a[k.., k]‖ (the sign avoids cancellation).
        // After all n steps a holds R on and above its diagonal, and A = H_0 ... H_{n-1} R.
        var vs = new double[n][];
        var diagonal = new double[n];
        for (int k = 0; k < n; k++)
        {
            var v = new double[m - k];
            double norm = 0;
            for (int i = k; i < m; i++)
            {
                v[i - k] = a[i * n + k];
                norm += v[i - k] * v[i - k];
            }

            norm = Math.Sqrt(norm);
            double alpha = v[0] > 0 ? -norm : norm;
            diagonal[k] = alpha;
            v[0] -= alpha;
            double vNorm = 0;
            foreach (double x in v)
            {
                vNorm += x * x;
            }

            vNorm = Math.Sqrt(vNorm);
            if (vNorm > 0)
            {
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] /= vNorm;
                }

                ReflectRows(a, n, k, v, k);
            }

            vs[k] = v; // a zero v (column already zero) is the identity reflector
        }

        // Q = H_0 ... H_{n-1} applied to the first n columns of the identity, innermost reflector first.
        var q = new double[m * n];
        for (int j = 0; j < n; j++)
        {
            q[j * n + j] = 1;
        }

        for (int k = n - 1; k >= 0; k--)
        {
            ReflectRows(q, n, k, vs[k], 0);
        }

        // R's diagonal is alpha; flipping column j of Q and row j of R keeps A = QR and makes R_jj >= 0.
        for (int j = 0; j < n; j++)
        {
            if (diagonal[j] < 0)
            {
                for (int i = 0; i < m; i++)
                {
                    q[i * n + j] = -q[i * n + j];
                }
            }
        }

        return q;
    }

    /// <summary>Applies I - 2 v vᵀ (v living on rows k..) to columns <paramref name="firstColumn"/>.. of the row-major matrix <paramref name="x"/> with <paramref name="n"/> columns.</summary>
    private static void ReflectRows(double[] x, int n, int k, double[] v, int firstColumn)
    {
        for (int c = firstColumn; c < n; c++)
        {
            double dot = 0;
            for (int i = 0; i < v.Length; i++)
            {
                dot += v[i] * x[(k + i) * n + c];
            }

            if (dot == 0)
            {
                continue;
            }

            for (int i = 0; i < v.Length; i++)
            {
                x[(k + i) * n + c] -= 2 * dot * v[i];
            }
        }
    }
}
