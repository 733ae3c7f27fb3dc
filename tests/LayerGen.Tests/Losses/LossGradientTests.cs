using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Losses;

/// <summary>
/// Every built-in loss through its generated kernels: the value against the definition computed here
/// in double, the gradient against central finite differences of the generated forward, both
/// reductions, and stability for logits of ±1000.
/// </summary>
public class LossGradientTests
{
    public LossGradientTests() => Tensor.ManualSeed(5);

    public static TheoryData<string, Reduction> Cases()
    {
        var data = new TheoryData<string, Reduction>();
        foreach (string name in new[] { "mse", "cross-entropy", "bce", "huber", "huber-0.5" })
        {
            data.Add(name, Reduction.Mean);
            data.Add(name, Reduction.Sum);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Value_matches_the_definition_and_gradient_matches_finite_differences(string name, Reduction reduction)
    {
        var (loss, input, target) = Make(name, reduction, rows: 5, columns: 7, scale: 2f);
        var value = loss.Call(input, target);
        double expected = Reference(name, reduction, input, target);
        Assert.True(Math.Abs(value.Item() - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{name}: {value.Item()} vs {expected}");

        input.RequiresGrad = true;
        loss.Call(input, target).Backward();
        const float step = 1e-2f;
        for (int i = 0; i < input.Count; i++)
        {
            float original = input.Data[i];
            input.Data[i] = original + step;
            double plus = Reference(name, reduction, input, target);
            input.Data[i] = original - step;
            double minus = Reference(name, reduction, input, target);
            input.Data[i] = original;
            double numeric = (plus - minus) / (2 * step);

            // The reference is evaluated in double, so only truncation error remains (h² f''' ≈ 1e-4).
            Assert.True(Math.Abs(numeric - input.Grad!.Data[i]) <= 1e-3 + (1e-3 * Math.Abs(numeric)), $"{name} d/dinput[{i}]: {numeric} vs {input.Grad.Data[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CallEager_runs_the_definition_on_the_eager_ops(string name, Reduction reduction)
    {
        // The eager path's value against the definition computed here in double; its gradient (the eager ops'
        // autograd) against the generated backward's, which the test above checks by finite differences.
        var (loss, input, target) = Make(name, reduction, rows: 4, columns: 6, scale: 2f);
        input.RequiresGrad = true;
        var eager = loss.CallEager(input, target);
        double expected = Reference(name, reduction, input, target);
        Assert.True(Math.Abs(eager.Item() - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{name}: {eager.Item()} vs {expected}");
        eager.Backward();
        var eagerGrad = input.Grad!.ToArray();

        input.Grad = null;
        var generated = loss.Call(input, target);
        generated.Backward();
        Assert.True(RecordsAKernel(generated), $"{name}: Call recorded no generated backward");
        Assert.False(RecordsAKernel(eager), $"{name}: CallEager recorded a generated backward"); // only the eager ops' own nodes
        for (int i = 0; i < input.Count; i++)
        {
            Assert.True(Math.Abs(eagerGrad[i] - input.Grad!.Data[i]) <= 1e-5f * (1 + Math.Abs(eagerGrad[i])), $"{name} d/dinput[{i}]: eager {eagerGrad[i]} vs generated {input.Grad.Data[i]}");
        }
    }

    [Fact]
    public void Cross_entropy_and_bce_are_stable_for_huge_logits()
    {
        var logits = Tensor.From(new[] { 1000f, -1000f, 0f, -1000f, 1000f, 3f }, 2, 3);
        var labels = Tensor.From(0f, 2f);
        var ce = new CrossEntropyLoss().Call(logits, labels).Item();

        // Row 0: the right class has the huge logit, loss 0; row 1: loss = 1000 - 3 = 997. Mean 498.5.
        Assert.Equal(498.5f, ce, 3);

        var bce = new BceWithLogitsLoss().Call(Tensor.From(1000f, -1000f), Tensor.From(1f, 1f)).Item();
        Assert.Equal(500f, bce, 3);
    }

    [Fact]
    public void Span_api_equals_the_tensor_path_and_allocates_nothing_when_warm()
    {
        var (_, input, target) = Make("cross-entropy", Reduction.Mean, rows: 8, columns: 10, scale: 1f);
        var loss = new CrossEntropyLoss(10);
        float expected = loss.Call(input, target).Item();
        var saved = new float[loss.SavedLength(8)];
        var grad = new float[input.Count];
        float value = loss.ForwardSpan(8, input.Data, target.Data, saved);
        loss.BackwardSpan(8, input.Data, target.Data, 1f, grad, saved);
        Assert.Equal(expected, value, 6);

        Assert.Equal(0, Allocations.AfterWarmUp(() =>
        {
            loss.ForwardSpan(8, input.Data, target.Data, saved);
            loss.BackwardSpan(8, input.Data, target.Data, 1f, grad, saved);
        }));
    }

    [Fact]
    public void A_class_index_out_of_range_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss().Call(Tensor.Randn(2, 3), Tensor.From(0f, 3f)));
        Assert.Contains("[0, 3)", error.Message);
    }

    /// <summary>Whether the autograd graph behind <paramref name="value"/> has a generated loss kernel's node (<c>…KernelBackward</c>).</summary>
    private static bool RecordsAKernel(Tensor value) =>
        value.GradFn is { } node && (node.Name.EndsWith("KernelBackward", StringComparison.Ordinal) || node.Inputs.Any(RecordsAKernel));

    private static (ILoss Loss, Tensor Input, Tensor Target) Make(string name, Reduction reduction, int rows, int columns, float scale)
    {
        var input = Tensor.Randn(rows, columns) * scale;
        return name switch
        {
            "mse" => (new MseLoss(reduction), input, Tensor.Randn(rows, columns)),
            "bce" => (new BceWithLogitsLoss(reduction), input, Tensor.Rand(rows, columns)),
            "huber" => (new HuberLoss(1f, reduction), input, Tensor.Randn(rows, columns)),
            "huber-0.5" => (new HuberLoss(0.5f, reduction), input, Tensor.Randn(rows, columns)),
            _ => (new CrossEntropyLoss(reduction), input, Labels(rows, columns)),
        };
    }

    private static Tensor Labels(int rows, int classes)
    {
        var labels = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = (i * 7) % classes;
        }

        return Tensor.From(labels);
    }

    /// <summary>Each loss's definition, written out in double precision, independent of the generator.</summary>
    private static double Reference(string name, Reduction reduction, Tensor input, Tensor target)
    {
        double total = 0;
        int terms;
        if (name == "cross-entropy")
        {
            int classes = input.Size(-1);
            terms = input.Count / classes;
            for (int row = 0; row < terms; row++)
            {
                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    max = Math.Max(max, input.Data[(row * classes) + c]);
                }

                double sum = 0;
                for (int c = 0; c < classes; c++)
                {
                    sum += Math.Exp(input.Data[(row * classes) + c] - max);
                }

                total -= input.Data[(row * classes) + (int)target.Data[row]] - max - Math.Log(sum);
            }
        }
        else
        {
            terms = input.Count;
            double delta = name == "huber-0.5" ? 0.5 : 1;
            for (int i = 0; i < terms; i++)
            {
                double x = input.Data[i], t = target.Data[i], d = x - t;
                total += name switch
                {
                    "mse" => d * d,
                    "bce" => Math.Max(x, 0) - (x * t) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
                    _ => Math.Abs(d) < delta ? 0.5 * d * d : delta * (Math.Abs(d) - (0.5 * delta)),
                };
            }
        }

        return reduction == Reduction.Mean ? total / terms : total;
    }
}
