using System;
using System.Linq;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.Buffers;

/// <summary>
/// <c>if (Training)</c> and <c>Training ? a : b</c> in a forward (issue 16): both paths are generated and the layer's
/// mode picks one when the kernels run. Checked in each mode against the formula written out here, against the eager
/// path (the forward as written, reading the same property), and against finite differences of the generated forward.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class TrainingModeTests
{
    private static T FromVariable<T>(T value) => value;

    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Each_mode_runs_its_own_path_in_the_generated_kernels(string kernel)
    {
        int n = kernel == "specialised" ? 5 : 7;
        var layer = kernel == "specialised" ? new ModeDependent(5) : new ModeDependent(FromVariable(7));
        Assert.Equal(kernel == "specialised" ? "ModeDependent[n=5]" : "ModeDependent[run-time sizes]", layer.KernelName);
        Tensor.ManualSeed(3);
        var x = Tensor.Randn(4, n);
        float[] w = layer.NamedParameters().Single().Value.ToArray();

        Assert.True(layer.Training);
        var trained = layer.Call(x).ToArray();
        layer.Eval();
        var evaluated = layer.Call(x).ToArray();
        for (int i = 0; i < x.Count; i++)
        {
            float h = x.Data[i] * w[i % n];
            Assert.Equal(MathF.Tanh(h) * 2f + x.Data[i], trained[i], 5);
            Assert.Equal(h * 0.5f + x.Data[i] * 3f, evaluated[i], 5);
        }

        Assert.Equal(evaluated, layer.CallEager(x).ToArray());
        layer.Train();
        Assert.Equal(trained, layer.Call(x).ToArray());
        var eager = layer.CallEager(x).ToArray();
        for (int i = 0; i < x.Count; i++)
        {
            Assert.Equal(eager[i], trained[i], 5);
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Gradients_follow_the_mode_and_match_finite_differences(string kernel)
    {
        int n = kernel == "specialised" ? 6 : 3;
        var layer = kernel == "specialised" ? new ModeDependent(6) : new ModeDependent(FromVariable(3));
        Assert.Equal(kernel == "specialised" ? "ModeDependent[n=6]" : "ModeDependent[run-time sizes]", layer.KernelName);
        Tensor.ManualSeed(5);
        FiniteDifferences.Check(layer, Tensor.Randn(3, n));
        layer.Eval();
        FiniteDifferences.Check(layer, Tensor.Randn(3, n));
    }

    [Fact]
    public void A_branch_only_eval_mode_takes_gives_no_gradient_in_training_mode()
    {
        var layer = new EvalOnlyShift(4);
        var shift = layer.NamedParameters().Single().Value;
        Tensor.ManualSeed(8);
        var x = Tensor.Randn(2, 4);

        var y = layer.Call(x);
        y.Sum().Backward();
        Assert.All(shift.Grad!.Data, g => Assert.Equal(0f, g));
        for (int i = 0; i < x.Count; i++)
        {
            Assert.Equal(1f / (1f + MathF.Exp(-x.Data[i])), y.Data[i], 5);
        }

        layer.ZeroGrad();
        layer.Eval();
        y = layer.Call(x);
        y.Sum().Backward();
        Assert.All(shift.Grad!.Data, g => Assert.Equal(2f, g));
        for (int i = 0; i < x.Count; i++)
        {
            Assert.Equal(1f / (1f + MathF.Exp(-x.Data[i])) + shift.Data[i % 4], y.Data[i], 5);
        }

        FiniteDifferences.Check(layer, Tensor.Randn(2, 4));
    }
}
