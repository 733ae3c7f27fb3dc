using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;
using Xunit.Sdk;

namespace LayerGen.Tests.Infrastructure;

/// <summary>The fixture loader and TensorAssert, tested on their own before anything relies on them.</summary>
public sealed class FixtureLoaderTests
{
    public static TheoryData<string> LayerFixtureNames() => Names(optim: false);

    public static TheoryData<string> OptimFixtureNames() => Names(optim: true);

    [Fact]
    public void Fixtures_are_copied_to_the_output_directory()
    {
        IReadOnlyList<string> names = Fixture.AllNames();

        Assert.Contains("my_linear_5_3_b2", names);
        Assert.Contains("optim_adam", names);
        Assert.True(File.Exists(Path.Combine(Fixture.Directory, "seed_net_64_8_1.f32.safetensors")),
            "the safetensors fixtures are copied too");
    }

    [Theory]
    [MemberData(nameof(LayerFixtureNames))]
    public void Every_layer_fixture_loads_with_consistent_shapes(string name)
    {
        Fixture fixture = Fixture.Load(name);

        Assert.Equal(name, fixture.Name);
        Assert.False(string.IsNullOrWhiteSpace(fixture.Description));
        Assert.NotEmpty(fixture.Inputs.Concat(fixture.Parameters)); // something to differentiate (an embedding has only its weight)
        Assert.Equal(fixture.Output.Shape, fixture.Dy.Shape);
        foreach ((string key, FixtureTensor tensor) in All(fixture))
        {
            AssertConsistent(tensor, $"{name} {key}", allowNonFinite: name.EndsWith("_special", StringComparison.Ordinal));
        }

        // Every input and parameter has a gradient of its own shape, and nothing else does.
        var differentiable = fixture.Inputs.Concat(fixture.Parameters).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(differentiable.Keys.Order(StringComparer.Ordinal), fixture.Grads.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, FixtureTensor grad) in fixture.Grads)
        {
            Assert.Equal(differentiable[key].Shape, grad.Shape);
        }
    }

    [Theory]
    [MemberData(nameof(OptimFixtureNames))]
    public void Every_optimiser_fixture_loads_with_consistent_shapes(string name)
    {
        OptimFixture fixture = OptimFixture.Load(name);

        Assert.Equal(name, fixture.Name);
        Assert.Contains("x", fixture.Inputs.Keys);
        Assert.Contains("target", fixture.Inputs.Keys);
        Assert.NotEmpty(fixture.Initial);
        Assert.NotEmpty(fixture.Steps);
        foreach (OptimStep step in fixture.Steps)
        {
            Assert.True(double.IsFinite(step.Loss) && step.Loss >= 0, $"{name}: loss {step.Loss}");
            Assert.Equal(fixture.Initial.Keys.Order(StringComparer.Ordinal), step.Parameters.Keys.Order(StringComparer.Ordinal));
            foreach ((string key, FixtureTensor tensor) in step.Parameters)
            {
                AssertConsistent(tensor, $"{name} {key}");
                Assert.Equal(fixture.Initial[key].Shape, tensor.Shape);
            }
        }
    }

    [Fact]
    public void MyLinear_fixture_has_the_documented_layout()
    {
        Fixture fixture = Fixture.Load("my_linear_5_3_b2");

        Assert.Equal([2, 5], fixture.Inputs["x"].Shape);
        Assert.Equal([5, 3], fixture.Parameters["weight"].Shape); // MyLinear keeps weight as [in, units]
        Assert.Equal([3], fixture.Parameters["bias"].Shape);
        Assert.Equal([2, 3], fixture.Output.Shape);
        Assert.Equal("MyLinear", fixture.LayerString("kind"));
        Assert.Equal(5, fixture.LayerInt("inUnits"));
        Assert.Equal(3, fixture.LayerInt("units"));
        Assert.Equal(JsonValueKind.Object, fixture.Layer?.ValueKind);
    }

    [Fact]
    public void Scalar_output_and_labels_load()
    {
        Fixture fixture = Fixture.Load("mlp_ce_64_32_10_b16");

        Assert.Empty(fixture.Output.Shape);
        Assert.Single(fixture.Output.Data);
        Assert.Equal(16, fixture.LayerInts("labels").Length);
        TensorAssert.Close(fixture.Output, fixture.Output.Data, [], "scalar against itself");
    }

    [Fact]
    public void Fixtures_without_extras_have_no_layer()
    {
        Assert.Null(Fixture.Load("op_relu").Layer);
        Assert.Throws<KeyNotFoundException>(() => Fixture.Load("op_relu").LayerInt("units"));
    }

    [Fact]
    public void Loading_the_wrong_kind_or_a_missing_name_explains_itself()
    {
        var wrongKind = Assert.Throws<InvalidDataException>(() => Fixture.Load("optim_sgd"));
        Assert.Contains("OptimFixture.Load", wrongKind.Message);

        var missing = Assert.Throws<FileNotFoundException>(() => Fixture.Load("no_such_fixture"));
        Assert.Contains("my_linear_5_3_b2", missing.Message); // lists what is available
    }

    [Fact]
    public void Non_finite_values_are_read_from_strings()
    {
        FixtureTensor x = Fixture.Load("op_relu_special").Inputs["x"];

        Assert.Contains(x.Values, double.IsNaN);
        Assert.Contains(double.PositiveInfinity, x.Values);
        Assert.Contains(double.NegativeInfinity, x.Values);
        Assert.Contains(x.Data, float.IsNaN);
        Assert.Contains(float.PositiveInfinity, x.Data);
    }

    [Fact]
    public void Data_is_the_float32_rounding_of_Values()
    {
        FixtureTensor weight = Fixture.Load("my_linear_20_12_b4").Parameters["weight"];

        Assert.Equal(weight.Values.Length, weight.Data.Length);
        for (int i = 0; i < weight.Data.Length; i++)
        {
            Assert.Equal((float)weight.Values[i], weight.Data[i]);
        }
    }

    [Fact]
    public void Close_passes_on_the_expected_values_and_within_tolerance()
    {
        FixtureTensor expected = Fixture.Load("my_linear_5_3_b2").Output;
        float[] nudged = expected.Data.ToArray();
        nudged[0] += (float)(0.5 * (1e-5 + 1e-4 * Math.Abs(expected.Values[0])));

        TensorAssert.Close(expected, expected.Data, expected.Shape, "exact");
        TensorAssert.Close(expected, nudged, expected.Shape, "nudged within tolerance");
    }

    [Fact]
    public void Close_fails_on_a_perturbed_value_and_reports_it()
    {
        FixtureTensor expected = Fixture.Load("my_linear_5_3_b2").Output; // [2, 3]
        float[] actual = expected.Data.ToArray();
        actual[4] += 0.25f; // element (1, 1)

        var failure = Assert.Throws<FailException>(
            () => TensorAssert.Close(expected, actual, expected.Shape, "my_linear output"));

        Assert.Contains("my_linear output: 1 of 6 elements differ", failure.Message);
        Assert.Contains("(1, 1)", failure.Message);
        Assert.Contains("largest difference", failure.Message);
    }

    [Fact]
    public void Close_reports_the_count_and_the_largest_difference_among_many()
    {
        var expected = new FixtureTensor([4, 5], Enumerable.Range(0, 20).Select(i => (double)i).ToArray());
        float[] actual = expected.Data.Select(v => v + 1f).ToArray();
        actual[13] = 100f; // the worst: (2, 3)

        var failure = Assert.Throws<FailException>(() => TensorAssert.Close(expected, actual, [4, 5], "many"));

        Assert.Contains("many: 20 of 20 elements differ", failure.Message);
        Assert.Contains("and 12 more", failure.Message);
        string largest = failure.Message[failure.Message.IndexOf("largest difference", StringComparison.Ordinal)..];
        Assert.Contains("(2, 3)", largest);
        Assert.Contains("87", largest);
    }

    [Fact]
    public void Close_fails_on_a_shape_mismatch_or_NaN()
    {
        FixtureTensor expected = Fixture.Load("my_linear_5_3_b2").Output;

        var shape = Assert.Throws<FailException>(() => TensorAssert.Close(expected, expected.Data, [3, 2], "transposed"));
        Assert.Contains("shape [3, 2] but expected [2, 3]", shape.Message);

        float[] withNaN = expected.Data.ToArray();
        withNaN[2] = float.NaN;
        Assert.Throws<FailException>(() => TensorAssert.Close(expected, withNaN, expected.Shape, "nan"));
    }

    private static TheoryData<string> Names(bool optim)
    {
        var data = new TheoryData<string>();
        foreach (string name in Fixture.AllNames().Where(n => Fixture.IsOptimFixture(n) == optim))
        {
            data.Add(name);
        }

        return data;
    }

    private static IEnumerable<(string Key, FixtureTensor Tensor)> All(Fixture fixture) =>
        fixture.Inputs.Select(p => ("input " + p.Key, p.Value))
            .Concat(fixture.Parameters.Select(p => ("parameter " + p.Key, p.Value)))
            .Concat(fixture.Grads.Select(p => ("grad " + p.Key, p.Value)))
            .Append(("output", fixture.Output))
            .Append(("dy", fixture.Dy));

    /// <summary>Only the <c>*_special</c> fixtures hold NaN or ±∞ (on purpose).</summary>
    private static void AssertConsistent(FixtureTensor tensor, string what, bool allowNonFinite = false)
    {
        Assert.True(tensor.Shape.All(d => d > 0), $"{what}: shape {tensor.ShapeText}");
        Assert.Equal(tensor.ElementCount, tensor.Data.Length);
        Assert.Equal(tensor.Data.Length, tensor.Values.Length);
        Assert.True(allowNonFinite || tensor.Values.All(double.IsFinite), $"{what}: non-finite value");
    }
}
