using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>Moves libtorch fixtures in and out of LayerGen tensors and layers.</summary>
internal static class FixtureLayers
{
    public static Tensor ToTensor(this FixtureTensor fixture) => Tensor.From((float[])fixture.Data.Clone(), fixture.Shape);

    /// <summary>Copies the fixture's parameters into the layer by PyTorch name; every name must match both ways.</summary>
    public static void LoadParameters(ILayer layer, Fixture fixture)
    {
        var named = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(fixture.Parameters.Keys.OrderBy(k => k), named.Keys.OrderBy(k => k));
        foreach (var (name, expected) in fixture.Parameters)
        {
            var parameter = named[name];
            Assert.Equal(expected.Shape, parameter.Shape.ToArray());
            expected.Data.CopyTo(parameter.Data, 0);
        }
    }

    /// <summary>Runs the layer on the fixture's input through the tensor API and checks the output and every gradient.</summary>
    public static void CheckAgainstFixture(ILayer layer, Fixture fixture)
    {
        LoadParameters(layer, fixture);
        var x = fixture.Inputs["x"].ToTensor();
        x.RequiresGrad = true;

        var y = layer.Call(x);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, $"{fixture.Name} output");

        y.Backward(fixture.Dy.ToTensor());
        TensorAssert.Close(fixture.Grads["x"], x.Grad!.Data, x.Grad.Shape, $"{fixture.Name} d/dx");
        foreach (var (name, parameter) in layer.NamedParameters())
        {
            TensorAssert.Close(fixture.Grads[name], parameter.Grad!.Data, parameter.Grad.Shape, $"{fixture.Name} d/d{name}");
        }
    }

    public static IEnumerable<KeyValuePair<string, IModule>> Leaves(IModule layer)
    {
        yield return new KeyValuePair<string, IModule>(layer.LayerName, layer);
        foreach (var child in layer.NamedChildren())
        {
            foreach (var leaf in Leaves(child.Value))
            {
                yield return leaf;
            }
        }
    }
}
