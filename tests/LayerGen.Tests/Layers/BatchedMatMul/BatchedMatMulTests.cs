using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers.BatchedMatMul;

/// <summary>
/// MatMul with PyTorch's batching rules through the generated kernels (issue 16): <c>[*, steps, d] × [d, h]</c>,
/// D2L's scaled dot-product attention (<c>q.MatMul(k.Transpose(-1, -2))</c>), rank-4 heads and a size-1 axis broadcast
/// against a stack of matrices — against PyTorch (Fixtures/batched_*.json, tools/fixtures/batched_matmul.py), output
/// and every gradient, on the kernel specialised for a constant construction and on the run-time-bounded one; against
/// finite differences of the generated forward; and against the eager path.
/// </summary>
[Collection(GlobalRandomCollection.Name)]
public class BatchedMatMulTests
{
    public static TheoryData<string> Kernels() => new() { "specialised", "run-time" };

    /// <summary>A value the generator cannot see at the construction site.</summary>
    private static T FromVariable<T>(T value) => value;

    private static string Name(string fixture, string kernel) => kernel == "specialised" ? fixture : fixture + "_runtime";

    private static string Expected(string kernel, string specialised) => kernel == "specialised" ? specialised : specialised.Split('[')[0] + "[run-time sizes]";

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_weight_applied_at_every_position_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new PerPosition(3, 4, 5) : new PerPosition(FromVariable(2), 5, 3);
        Assert.Equal(Expected(kernel, "PerPosition[steps=3, d=4, h=5]"), layer.KernelName);
        CheckAgainstFixture(layer, Fixture.Load(Name("batched_per_position", kernel)), i => layer.Call(i[0]), "x");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Scaled_dot_product_attention_with_a_transposed_key_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new ScaledDotProduct(3, 4, 5, 2) : new ScaledDotProduct(FromVariable(2), 3, 4, 3);
        Assert.Equal(Expected(kernel, "ScaledDotProduct[queries=3, keyValues=4, d=5, v=2]"), layer.KernelName);
        CheckAgainstFixture(layer, Fixture.Load(Name("batched_scaled_dot_product", kernel)), i => layer.Call(i[0], i[1], i[2]), "q", "k", "values");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Rank_four_heads_and_a_weight_broadcast_over_them_match_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new HeadScores(2, 3, 4, 2) : new HeadScores(FromVariable(3), 2, 3, 4);
        Assert.Equal(Expected(kernel, "HeadScores[heads=2, steps=3, d=4, e=2]"), layer.KernelName);
        CheckAgainstFixture(layer, Fixture.Load(Name("batched_head_scores", kernel)), i => layer.Call(i[0], i[1]), "q", "k");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_size_one_axis_broadcast_against_a_stack_of_matrices_matches_PyTorch(string kernel)
    {
        var layer = kernel == "specialised" ? new PerHeadProjection(3, 2, 4, 3) : new PerHeadProjection(FromVariable(2), 3, 3, 2);
        Assert.Equal(Expected(kernel, "PerHeadProjection[heads=3, steps=2, d=4, e=3]"), layer.KernelName);
        CheckAgainstFixture(layer, Fixture.Load(Name("batched_per_head_projection", kernel)), i => layer.Call(i[0]), "x");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_generated_backward_matches_finite_differences_and_the_eager_path(string kernel)
    {
        Tensor.ManualSeed(16);
        var attention = kernel == "specialised" ? new ScaledDotProduct(3, 4, 5, 2) : new ScaledDotProduct(FromVariable(2), 3, 4, 3);
        var shapes = kernel == "specialised" ? new[] { new[] { 2, 3, 5 }, new[] { 2, 4, 5 }, new[] { 2, 4, 2 } } : new[] { new[] { 3, 2, 4 }, new[] { 3, 3, 4 }, new[] { 3, 3, 3 } };
        CheckBoth(attention, i => attention.Call(i[0], i[1], i[2]), i => attention.CallEager(i[0], i[1], i[2]), shapes);

        var heads = kernel == "specialised" ? new HeadScores(2, 3, 4, 2) : new HeadScores(FromVariable(3), 2, 3, 4);
        var h = kernel == "specialised" ? new[] { 2, 2, 3, 4 } : new[] { 2, 3, 2, 3 };
        CheckBoth(heads, i => heads.Call(i[0], i[1]), i => heads.CallEager(i[0], i[1]), [h, h]);

        var perHead = kernel == "specialised" ? new PerHeadProjection(3, 2, 4, 3) : new PerHeadProjection(FromVariable(2), 3, 3, 2);
        CheckBoth(perHead, i => perHead.Call(i[0]), i => perHead.CallEager(i[0]), [kernel == "specialised" ? [2, 1, 2, 4] : [3, 1, 3, 3]]);

        var perPosition = kernel == "specialised" ? new PerPosition(3, 4, 5) : new PerPosition(FromVariable(2), 5, 3);
        CheckBoth(perPosition, i => perPosition.Call(i[0]), i => perPosition.CallEager(i[0]), [kernel == "specialised" ? [2, 3, 4] : [4, 2, 5]]);
    }

    [Fact]
    public void The_eager_MatMul_multiplies_batches_as_PyTorch_and_names_mismatched_shapes()
    {
        // [2, 1, 3, 4] x [5, 4, 6] is [2, 5, 3, 6]; a vector on the left is one row, its axis dropped.
        Assert.Equal([2, 5, 3, 6], Tensor.Randn(2, 1, 3, 4).MatMul(Tensor.Randn(5, 4, 6)).Shape.ToArray());
        Assert.Equal([2, 5], Tensor.Randn(4).MatMul(Tensor.Randn(2, 4, 5)).Shape.ToArray());
        var inner = Assert.Throws<ArgumentException>(() => Tensor.Randn(2, 3, 4).MatMul(Tensor.Randn(2, 5, 6)));
        Assert.Contains("[2, 3, 4] and [2, 5, 6]", inner.Message);
        var batch = Assert.Throws<ArgumentException>(() => Tensor.Randn(2, 3, 4).MatMul(Tensor.Randn(3, 4, 6)));
        Assert.Contains("The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0", batch.Message);
    }

    /// <summary>The generated backward against central differences of the generated forward, then the generated path against the eager one.</summary>
    private static void CheckBoth(IModule layer, Func<Tensor[], Tensor> call, Func<Tensor[], Tensor> eager, int[][] shapes)
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
        BatchedFiniteDifferences.Check(layer, call, inputs);

        var dy = Tensor.Randn(call(inputs).Shape.ToArray());
        var generated = RunWithGradients(layer, call, dy, inputs);
        var reference = RunWithGradients(layer, eager, dy, inputs);
        Assert.Equal(reference.Count, generated.Count);
        for (int t = 0; t < reference.Count; t++)
        {
            Assert.Equal(reference[t].Shape.ToArray(), generated[t].Shape.ToArray());
            for (int i = 0; i < reference[t].Count; i++)
            {
                Assert.True(TensorAssert.IsClose(reference[t].Data[i], generated[t].Data[i], 1e-5, 1e-4), $"{layer.KernelName} tensor {t} [{i}]: eager {reference[t].Data[i]}, generated {generated[t].Data[i]}");
            }
        }
    }

    /// <summary>The output, then every input's gradient, then every parameter's.</summary>
    private static List<Tensor> RunWithGradients(IModule layer, Func<Tensor[], Tensor> call, Tensor dy, Tensor[] inputs)
    {
        layer.ZeroGrad();
        foreach (var input in inputs)
        {
            input.Grad = null;
            input.RequiresGrad = true;
        }

        var y = call(inputs);
        y.Backward(dy);
        return new[] { y }.Concat(inputs.Select(i => i.Grad!)).Concat(layer.Parameters().Select(p => p.Grad!)).ToList();
    }

    /// <summary>Loads the fixture's parameters, runs <paramref name="call"/> on its inputs (in the order named) and checks the output and every gradient.</summary>
    private static void CheckAgainstFixture(IModule layer, Fixture fixture, Func<Tensor[], Tensor> call, params string[] inputNames)
    {
        var named = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(fixture.Parameters.Keys.OrderBy(k => k), named.Keys.OrderBy(k => k));
        foreach (var (name, expected) in fixture.Parameters)
        {
            Assert.Equal(expected.Shape, named[name].Shape.ToArray());
            expected.Data.CopyTo(named[name].Data, 0);
        }

        var inputs = inputNames.Select(n => fixture.Inputs[n].ToTensor()).ToArray();
        foreach (var input in inputs)
        {
            input.RequiresGrad = true;
        }

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
}
