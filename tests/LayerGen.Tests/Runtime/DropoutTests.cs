using System;
using System.Linq;
using System.Threading;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>
/// Ops.Dropout: the exact mask rule (which generated kernels reproduce), its statistics, inverted
/// scaling, reproducibility under ManualSeed, and the training flag and its scope. In the global
/// random collection, since it draws from and reseeds the shared generator.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public sealed class DropoutTests
{
    [Fact]
    public void Mask_is_one_draw_per_element_kept_when_the_draw_is_at_least_p()
    {
        const float p = 0.25f;
        Tensor x = EagerGradCheck.Uniform(new Random(1), [3, 50]);

        Tensor.ManualSeed(42);
        float[] draws = Enumerable.Range(0, x.Count).Select(_ => RandomSource.NextFloat()).ToArray();
        float afterwards = RandomSource.NextFloat();

        Tensor.ManualSeed(42);
        Tensor y = Ops.Dropout(x, p);
        Assert.Equal(afterwards, RandomSource.NextFloat()); // exactly x.Count draws were taken

        float scale = (float)(1.0 / (1.0 - p));
        for (int i = 0; i < x.Count; i++)
        {
            Assert.Equal(draws[i] >= p ? x.Data[i] * scale : 0f, y.Data[i]);
        }
    }

    [Fact]
    public void Fraction_kept_is_one_minus_p_and_kept_values_are_scaled_exactly()
    {
        const int n = 100_000;
        foreach (float p in new[] { 0.1f, 0.5f, 0.8f })
        {
            Tensor.ManualSeed(7);
            Tensor y = Ops.Dropout(Tensor.Ones(n), p);
            float scale = (float)(1.0 / (1.0 - p));

            // Every element is either dropped or exactly the scale.
            Assert.All(y.Data, v => Assert.True(v == 0f || v == scale, $"p={p}: {v} is neither 0 nor {scale}"));

            // The kept count is Binomial(n, 1 - p): standard deviation sqrt(p (1 - p) / n) <= 1.6e-3 in
            // the fraction, so +-0.01 is more than 6 standard deviations (a false failure ~1e-9).
            double kept = y.Data.Count(v => v != 0f) / (double)n;
            Assert.InRange(kept, 1 - p - 0.01, 1 - p + 0.01);

            // Inverted scaling keeps the expectation: mean(y) ~ 1 within 0.01 / (1 - p) (same bound, scaled).
            Assert.InRange(y.Data.Average(v => (double)v), 1 - 0.01 / (1 - p), 1 + 0.01 / (1 - p));
        }
    }

    [Fact]
    public void Same_seed_same_mask_and_the_gradient_uses_it()
    {
        Tensor x = EagerGradCheck.Uniform(new Random(2), [4, 8]);
        x.RequiresGrad = true;

        Tensor.ManualSeed(123);
        Tensor first = Ops.Dropout(x, 0.5f);
        Tensor second = Ops.Dropout(x, 0.5f);
        Tensor.ManualSeed(123);
        Tensor again = Ops.Dropout(x, 0.5f);

        Assert.Equal(first.Data, again.Data);
        Assert.NotEqual(first.Data, second.Data); // the stream moved on (2^-32 chance of a clash)
        Assert.Equal("NativeDropoutBackward0", first.GradFn!.Name);

        first.Backward(Tensor.Ones(4, 8));
        for (int i = 0; i < x.Count; i++)
        {
            Assert.Equal(first.Data[i] == 0f ? 0f : 2f, x.Grad!.Data[i]);
        }
    }

    [Fact]
    public void Eval_mode_and_p_zero_are_the_identity_and_draw_nothing()
    {
        Tensor x = Tensor.Ones(10);
        Tensor.ManualSeed(5);
        float next = RandomSource.NextFloat();

        Tensor.ManualSeed(5);
        Assert.Same(x, Ops.Dropout(x, 0f));
        using (Ops.DropoutMode(training: false))
        {
            Assert.False(Ops.DropoutTraining);
            Assert.Same(x, Ops.Dropout(x, 0.9f));
        }

        Assert.Equal(next, RandomSource.NextFloat());
    }

    [Fact]
    public void P_one_drops_everything_and_p_outside_the_unit_interval_is_refused()
    {
        Tensor x = Tensor.Ones(20);
        Assert.All(Ops.Dropout(x, 1f).Data, v => Assert.Equal(0f, v));
        Assert.Contains("between 0 and 1, but got 1.5",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Dropout(x, 1.5f)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Dropout(x, -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Dropout(x, float.NaN));
        using (Ops.DropoutMode(false))
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Dropout(x, 2f)); // checked in eval mode too
        }
    }

    [Fact]
    public void Dropout_mode_scopes_nest_restore_and_are_per_thread()
    {
        Assert.True(Ops.DropoutTraining); // the default
        using (Ops.DropoutMode(false))
        {
            Assert.False(Ops.DropoutTraining);
            using (Ops.DropoutMode(true))
            {
                Assert.True(Ops.DropoutTraining);
            }

            Assert.False(Ops.DropoutTraining);

            bool other = false;
            var thread = new Thread(() => other = Ops.DropoutTraining);
            thread.Start();
            thread.Join();
            Assert.True(other); // a new thread starts in training mode
        }

        Assert.True(Ops.DropoutTraining);
        default(Ops.DropoutScope).Dispose(); // a default scope restores training
        Assert.True(Ops.DropoutTraining);
    }
}
