using System;

namespace LayerGen;

/// <summary>
/// Parameter initialisation, as <c>torch.nn.init</c>: every scheme comes in two forms.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A <b>factory</b> whose last parameter is <c>params int[] shape</c>, returning a fresh tensor.
/// That is the form a <c>[Parameter]</c> initialiser uses: the generator reads the shape from those
/// arguments, e.g. <c>[Parameter] Tensor weight = Init.KaimingUniform(inUnits, units);</c>.</item>
/// <item>An <b>in-place</b> form taking the tensor first, like PyTorch's <c>normal_(tensor, ...)</c>:
/// it overwrites the tensor's values (no autograd is recorded) and returns the same tensor, so that an
/// init function passed to <see cref="LayerExtensions.Apply{T}"/> can re-initialise a built model.</item>
/// </list>
/// Random schemes draw from the global <see cref="RandomSource"/>, so <see cref="Tensor.ManualSeed"/>
/// makes them reproducible. The numbers are not PyTorch's (its generator is not reproduced); the
/// distributions are.
/// </remarks>
public static partial class Init
{
    /// <summary>A tensor of normal draws N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is negative or not finite.</exception>
    public static Tensor Normal(float mean, float std, params int[] shape) => Normal(new Tensor(shape), mean, std);

    /// <summary>Fills <paramref name="tensor"/> with normal draws N(<paramref name="mean"/>, <paramref name="std"/>²), as <c>normal_</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is negative or not finite.</exception>
    public static Tensor Normal(Tensor tensor, float mean = 0f, float std = 1f)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckNormal(mean, std);
        RandomSource.FillNormal(tensor.Data, mean, std);
        return tensor;
    }

    /// <summary>A tensor of uniform draws from [<paramref name="a"/>, <paramref name="b"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="a"/> &gt; <paramref name="b"/>, or a bound is not finite.</exception>
    public static Tensor Uniform(float a, float b, params int[] shape) => Uniform(new Tensor(shape), a, b);

    /// <summary>Fills <paramref name="tensor"/> with uniform draws from [<paramref name="a"/>, <paramref name="b"/>), as <c>uniform_</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="a"/> &gt; <paramref name="b"/>, or a bound is not finite.</exception>
    public static Tensor Uniform(Tensor tensor, float a = 0f, float b = 1f)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckUniform(a, b);
        RandomSource.FillUniform(tensor.Data, a, b);
        return tensor;
    }

    /// <summary>A zero-filled tensor.</summary>
    public static Tensor Zeros(params int[] shape) => new(shape);

    /// <summary>Sets every element of <paramref name="tensor"/> to 0, as <c>zeros_</c>.</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0f);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Constant(1f, shape);

    /// <summary>Sets every element of <paramref name="tensor"/> to 1, as <c>ones_</c>.</summary>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1f);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Constant(float value, params int[] shape) => Constant(new Tensor(shape), value);

    /// <summary>Sets every element of <paramref name="tensor"/> to <paramref name="value"/>, as <c>constant_</c>.</summary>
    public static Tensor Constant(Tensor tensor, float value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.Data.AsSpan().Fill(value);
        return tensor;
    }

    /// <summary>A tensor whose element at row-major position i is <paramref name="valueAtIndex"/>(i).</summary>
    public static Tensor Custom(Func<int, float> valueAtIndex, params int[] shape) => Custom(new Tensor(shape), valueAtIndex);

    /// <summary>
    /// Sets the element of <paramref name="tensor"/> at row-major position i to <paramref name="valueAtIndex"/>(i),
    /// for i = 0, 1, ... in order. The function may read the tensor's current values
    /// (<c>tensor.Data[i]</c>), so it can also transform an earlier initialisation.
    /// </summary>
    /// <example>
    /// The d2l chapter's custom init (uniform in ±10, then zero every weight smaller than 5 in magnitude):
    /// <code>
    /// Init.Uniform(w, -10, 10);
    /// Init.Custom(w, i =&gt; MathF.Abs(w.Data[i]) &gt;= 5 ? w.Data[i] : 0f);
    /// </code>
    /// </example>
    public static Tensor Custom(Tensor tensor, Func<int, float> valueAtIndex)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(valueAtIndex);
        float[] data = tensor.Data;
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = valueAtIndex(i);
        }

        return tensor;
    }

    private static void CheckNormal(float mean, float std)
    {
        if (!float.IsFinite(mean))
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "normal expects a finite mean");
        }

        if (!(std >= 0f) || !float.IsFinite(std))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "normal expects a finite std >= 0.0");
        }
    }

    private static void CheckUniform(float a, float b)
    {
        if (!float.IsFinite(a) || !float.IsFinite(b))
        {
            throw new ArgumentException($"uniform expects finite bounds, but found from={a} to={b}", nameof(a));
        }

        if (a > b)
        {
            throw new ArgumentException($"uniform expects to return a [from, to) range, but found from={a} > to={b}", nameof(a));
        }
    }
}
