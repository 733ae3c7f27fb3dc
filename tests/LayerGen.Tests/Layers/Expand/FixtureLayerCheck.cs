using System;
using System.Linq;
using LayerGen.Tests.Infrastructure;

namespace LayerGen.Tests.Layers.Expand;

/// <summary>A layer through its generated kernels against a PyTorch fixture: the output and every input's and parameter's gradient.</summary>
internal static class FixtureLayerCheck
{
    /// <summary>Loads the fixture's parameters, runs <paramref name="call"/> on its inputs (in the order named) and checks the output and every gradient.</summary>
    public static void Check(IModule layer, Fixture fixture, Func<Tensor[], Tensor> call, params string[] inputNames)
    {
        var named = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Xunit.Assert.Equal(fixture.Parameters.Keys.OrderBy(k => k), named.Keys.OrderBy(k => k));
        foreach (var (name, expected) in fixture.Parameters)
        {
            Xunit.Assert.Equal(expected.Shape, named[name].Shape.ToArray());
            expected.Data.CopyTo(named[name].Data, 0);
        }

        var inputs = inputNames.Select(n => fixture.Inputs[n].ToTensor()).ToArray();
        foreach (var input in inputs)
        {
            input.RequiresGrad = true;
        }

        layer.ZeroGrad();
        var y = call(inputs);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, $"{fixture.Name} output");
        y.Backward(fixture.Dy.ToTensor());
        for (int i = 0; i < inputs.Length; i++)
        {
            TensorAssert.Close(fixture.Grads[inputNames[i]], inputs[i].Grad!.Data, inputs[i].Grad!.Shape, $"{fixture.Name} d/d{inputNames[i]}");
        }

        foreach (var (name, parameter) in named)
        {
            TensorAssert.Close(fixture.Grads[name], parameter.Grad!.Data, parameter.Grad.Shape, $"{fixture.Name} d/d{name}");
        }
    }

    /// <summary>
    /// The generated backward against central differences of the generated forward (random parameters, halved), then the
    /// generated path against the eager one (<paramref name="eager"/>, the Forward run as written): output and every gradient.
    /// </summary>
    public static void FiniteDifferencesAndEager(IModule layer, Func<Tensor[], Tensor> call, Func<Tensor[], Tensor> eager, params int[][] shapes)
    {
        foreach (var parameter in layer.Parameters())
        {
            var values = Tensor.Randn(parameter.Shape.ToArray());
            for (int i = 0; i < values.Count; i++)
            {
                parameter.Data[i] = 0.5f * values.Data[i];
            }
        }

        var inputs = shapes.Select(s => Tensor.Randn(s)).ToArray();
        BatchedMatMul.BatchedFiniteDifferences.Check(layer, call, inputs);

        var dy = Tensor.Randn(call(inputs).Shape.ToArray());
        var generated = RunWithGradients(layer, call, dy, inputs);
        var reference = RunWithGradients(layer, eager, dy, inputs);
        Xunit.Assert.Equal(reference.Length, generated.Length);
        for (int t = 0; t < reference.Length; t++)
        {
            Xunit.Assert.Equal(reference[t].Shape.ToArray(), generated[t].Shape.ToArray());
            for (int i = 0; i < reference[t].Count; i++)
            {
                Xunit.Assert.True(TensorAssert.IsClose(reference[t].Data[i], generated[t].Data[i], 1e-5, 1e-4), $"{layer.KernelName} tensor {t} [{i}]: eager {reference[t].Data[i]}, generated {generated[t].Data[i]}");
            }
        }
    }

    /// <summary>The output, then every input's gradient, then every parameter's.</summary>
    private static Tensor[] RunWithGradients(IModule layer, Func<Tensor[], Tensor> call, Tensor dy, Tensor[] inputs)
    {
        layer.ZeroGrad();
        foreach (var input in inputs)
        {
            input.Grad = null;
            input.RequiresGrad = true;
        }

        var y = call(inputs);
        y.Backward(dy);
        return new[] { y }.Concat(inputs.Select(i => i.Grad!)).Concat(layer.Parameters().Select(p => p.Grad!)).ToArray();
    }
}
