using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Every case of every op family's fixture (<see cref="OpFamilyCase"/>), compiled here into a layer of its own and
/// run both ways against PyTorch's numbers: the generated kernels (<c>Call</c>, the constant kernel for
/// <c>new Case(n)</c>) and the eager ops (<c>CallEager</c>), forward and both gradients. A new op is a new case in
/// <c>tools/fixtures/op_families.py</c> and needs no test code here.
/// </summary>
public sealed class OpFamilyFixtureTests
{
    /// <summary>
    /// float32 kernels against a float64 reference: a few roundings of the result (rtol), and an absolute floor for
    /// results near 0 computed from terms of order 1 (atol). docs/ops.md states each approximation's error; the
    /// widest is 2.5 ulp, well inside 1e-5 relative.
    /// </summary>
    private const double Atol = 1e-5;

    private const double Rtol = 1e-5;

    public static TheoryData<string> Cases() => new(OpFamilyCase.All.Select(c => c.ToString()));

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_generated_kernels_and_the_eager_op_match_PyTorch(string name)
    {
        OpFamilyCase c = OpFamilyCase.All.Single(x => x.ToString() == name);
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(c.Source());
        run.AssertClean();

        var image = new MemoryStream();
        Assert.True(run.OutputCompilation.Emit(image).Success);
        var context = new AssemblyLoadContext("OpFamily", isCollectible: true);
        try
        {
            image.Position = 0;
            Type type = context.LoadFromStream(image).GetType("OpFamilies.Case", throwOnError: true)!;
            var layer = (ILayer)Activator.CreateInstance(type, c.N)!;
            Assert.Equal($"Case[n={c.N}]", layer.KernelName);
            layer.Train(false);

            Check(c, layer, eager: false);
            Check(c, layer, eager: true);
        }
        finally
        {
            context.Unload();
        }
    }

    private static void Check(OpFamilyCase c, ILayer layer, bool eager)
    {
        string path = eager ? "CallEager" : "Call";
        var parameters = layer.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(c.Parameters.Keys.Order(), parameters.Keys.Order());
        foreach (var (parameterName, values) in c.Parameters)
        {
            values.Floats.CopyTo(parameters[parameterName].Data, 0);
            parameters[parameterName].ZeroGrad();
        }

        var input = c.Inputs["x"];
        var x = Tensor.From(input.Floats, input.Shape);
        x.RequiresGrad = true;
        Tensor y = eager ? layer.CallEager(x) : layer.Call(x);
        OpFamilyCase.AssertClose(c.Output, y, $"{c} {path} output", Atol, Rtol);

        y.Backward(Tensor.From(c.Dy.Floats, c.Dy.Shape));
        OpFamilyCase.AssertClose(c.Grads["x"], x.Grad!, $"{c} {path} d/dx", Atol, Rtol);
        foreach (var (parameterName, parameter) in parameters)
        {
            OpFamilyCase.AssertClose(c.Grads[parameterName], parameter.Grad!, $"{c} {path} d/d{parameterName}", Atol, Rtol);
        }
    }
}
