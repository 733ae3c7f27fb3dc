using System;

namespace LayerGen;

/// <summary>
/// The eager reference for <c>Dropout</c>, and the per-thread training flag that switches it on.
/// </summary>
/// <remarks>
/// <para>The exact rule, which generated kernels follow so that both paths draw the same mask under the
/// same <see cref="RandomSource.ManualSeed"/>:</para>
/// <list type="number">
/// <item>Not training (<see cref="Training"/> false) or p = 0: the input tensor itself is returned
/// (as PyTorch's dropout returns its input) and nothing is drawn from <see cref="RandomSource"/>.</item>
/// <item>Otherwise exactly one uniform float u = <see cref="RandomSource.NextFloat"/> is drawn per element,
/// in row-major order (x.Count draws, even for elements that end up dropped, and even when p = 1).</item>
/// <item>The element is kept when u &gt;= p, so kept with probability 1 - p (u is uniform on the float
/// grid k / 2^24); a kept element is multiplied by scale = (float)(1.0 / (1.0 - (double)p)), a dropped
/// one by 0 (PyTorch multiplies by the mask, so a dropped NaN stays NaN). With p = 1 nothing is kept
/// and the multiplier is 0 everywhere, never the infinite scale.</item>
/// <item>Backward: dx = dy times the same multiplier (0 or scale).</item>
/// </list>
/// <para>p outside [0, 1] (or NaN) is an error whatever the mode, as in PyTorch.</para>
/// </remarks>
internal static class DropoutOps
{
    // Stored inverted so that the default value (false) means "training" on every new thread.
    [ThreadStatic]
    private static bool t_eval;

    public static bool Training
    {
        get => !t_eval;
        set => t_eval = !value;
    }

    /// <summary>The multiplier of a kept element: 1 / (1 - p) rounded once to float.</summary>
    public static float Scale(float p) => (float)(1.0 / (1.0 - p));

    public static Tensor Dropout(Tensor x, float p)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(p >= 0f && p <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability has to be between 0 and 1, but got {p}");
        }

        if (!Training || p == 0f)
        {
            return x;
        }

        var draws = new float[x.Count];
        RandomSource.FillUniform(draws); // = one NextFloat() per element, row-major, under one lock
        float scale = p == 1f ? 0f : Scale(p);
        var multiplier = new float[x.Count];
        var y = new float[x.Count];
        for (int i = 0; i < y.Length; i++)
        {
            multiplier[i] = draws[i] >= p ? scale : 0f;
            y[i] = x.Data[i] * multiplier[i]; // one float product: exactly x * scale, rounded once
        }

        Tensor result = Tensor.Wrap(y, (int[])x.ShapeArray.Clone());
        if (GradMode.IsEnabled && x.RequiresGrad)
        {
            result.SetGradFn(new DropoutBackward(x, multiplier));
        }

        return result;
    }

    private sealed class DropoutBackward(Tensor x, float[] multiplier) : GradFn("NativeDropoutBackward0", x)
    {
        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            if (inputGrads[0] is not { } grad)
            {
                return;
            }

            for (int i = 0; i < grad.Length; i++)
            {
                grad[i] += outputGrad[i] * multiplier[i];
            }
        }
    }
}
