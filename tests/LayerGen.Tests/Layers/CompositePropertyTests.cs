using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Property tests of composite layers (CompositeLayers.cs) over random shapes and data: the generated
/// kernels against the eager reference path, and the generated backward against finite differences.
/// Sizes are mostly 1..17 with some 33 (several vectors plus a tail at any <c>Vector&lt;float&gt;</c> width),
/// batches 1..9; a quarter of the samples use the sizes of a constant construction, so both the
/// specialised and the run-time-bounded kernels are drawn, and each sample asserts which one ran.
/// </summary>
public sealed class CompositePropertyTests
{
    private static readonly Gen<int> Size = Gen.Frequency((6, Gen.Int[1, 17]), (1, Gen.Const(33)));

    /// <summary>A composite layer: its size names, the sizes it has constant constructions for, and how to build it.</summary>
    private sealed record Composite(string Name, string[] SizeNames, int[][] Specialised, Func<int[], ILayer> Create, Spec Input)
    {
        public string ExpectedKernel(int[] sizes) =>
            Specialised.Any(s => s.SequenceEqual(sizes))
                ? $"{Name}[{string.Join(", ", SizeNames.Zip(sizes, (n, v) => $"{n}={v}"))}]"
                : $"{Name}[run-time sizes]";

        public Gen<Sample> Samples =>
            Gen.Select(
                Gen.Frequency((3, Size.Array[SizeNames.Length]), (1, Gen.OneOf(Specialised))),
                Gen.Int[1, 9],
                Gen.Int,
                (sizes, batch, seed) => new Sample(this, sizes, batch, seed));
    }

    private sealed record Sample(Composite Layer, int[] Sizes, int Batch, int Seed)
    {
        public override string ToString() => $"{Layer.Name}({string.Join(", ", Sizes)}) batch {Batch} seed {Seed}";
    }

    // The switch arms with constant arguments are the constant constructions the generator specialises for.
    private static readonly Dictionary<string, Composite> Layers = new()
    {
        ["CompTanhMlp"] = new("CompTanhMlp", ["inUnits", "hidden", "outUnits"], [[17, 33, 3], [4, 9, 1]],
            s => s switch
            {
                [17, 33, 3] => new CompTanhMlp(17, 33, 3),
                [4, 9, 1] => new CompTanhMlp(4, 9, 1),
                _ => new CompTanhMlp(s[0], s[1], s[2]),
            },
            Spec.Default),
        ["CompExpNormalize"] = new("CompExpNormalize", ["n"], [[33], [7]],
            s => s switch
            {
                [33] => new CompExpNormalize(33),
                [7] => new CompExpNormalize(7),
                _ => new CompExpNormalize(s[0]),
            },
            Spec.Default),
        ["CompGatedLog"] = new("CompGatedLog", ["inUnits", "units"], [[17, 5], [33, 33]],
            s => s switch
            {
                [17, 5] => new CompGatedLog(17, 5),
                [33, 33] => new CompGatedLog(33, 33),
                _ => new CompGatedLog(s[0], s[1]),
            },
            Spec.Default),
    };

    public static TheoryData<string> Names() => new(Layers.Keys);

    /// <summary>Builds the sample's layer with its data; asserts the kernel; returns the layer, input and dy.</summary>
    private static (ILayer Layer, Tensor X, float[] Dy) Build(Sample sample)
    {
        ILayer layer = sample.Layer.Create(sample.Sizes);
        Assert.Equal(sample.Layer.ExpectedKernel(sample.Sizes), layer.KernelName);
        var random = new Random(sample.Seed);
        Tensor x = LayerGradCheck.Prepare(layer, [sample.Batch, layer.InputRowLength], random, sample.Layer.Input);
        float[] dy = LayerGradCheck.OutputGradient(layer.Call, x, random);
        return (layer, x, dy);
    }

    /// <summary>Output and gradients (input first, then parameters by name) of one forward and backward through <paramref name="forward"/>.</summary>
    private static List<(string Name, float[] Values)> Run(ILayer layer, Func<Tensor, Tensor> forward, Tensor x, float[] dy)
    {
        layer.ZeroGrad();
        var input = Tensor.From((float[])x.Data.Clone(), x.Shape.ToArray());
        input.RequiresGrad = true;
        Tensor y = forward(input);
        y.Backward(Tensor.From((float[])dy.Clone(), y.Shape.ToArray()));
        var result = new List<(string, float[])> { ("output", y.ToArray()), ("input grad", input.Grad!.ToArray()) };
        result.AddRange(layer.NamedParameters().Select(p => (p.Key + " grad", p.Value.Grad!.ToArray())));
        return result;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Generated_kernels_match_the_eager_reference(string name) =>
        Layers[name].Samples.Sample(sample =>
        {
            var (layer, x, dy) = Build(sample);
            var generated = Run(layer, layer.Call, x, dy);
            var eager = Run(layer, input => Eager(layer, input), x, dy);

            Assert.Equal(eager.Select(e => e.Name), generated.Select(g => g.Name));
            for (int t = 0; t < eager.Count; t++)
            {
                AssertScaledClose($"{sample} on {layer.KernelName}: {eager[t].Name}", eager[t].Values, generated[t].Values, atol: 1e-5, rtol: 1e-4);
            }
        }, iter: 300);

    [Theory]
    [MemberData(nameof(Names))]
    public void Generated_backward_matches_finite_differences(string name) =>
        Layers[name].Samples.Sample(sample =>
        {
            // Step and tolerances of LayerGradCheck (see its remarks: measured on these layers too).
            var (layer, x, dy) = Build(sample);
            var pairs = LayerGradCheck.Compare(layer, layer.Call, x, dy);
            LayerGradCheck.AssertClose($"{sample} on {layer.KernelName}", pairs);
        }, iter: 25);

    private static Tensor Eager(ILayer layer, Tensor input) => layer switch
    {
        CompTanhMlp mlp => mlp.CallEager(input),
        CompExpNormalize normalize => normalize.CallEager(input),
        CompGatedLog gated => gated.CallEager(input),
        _ => throw new ArgumentException(layer.LayerName),
    };

    /// <summary>|actual - expected| ≤ atol·scale + rtol·|expected| per element, scale = max(1, max |expected|).</summary>
    private static void AssertScaledClose(string what, float[] expected, float[] actual, double atol, double rtol)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1.0, expected.Length == 0 ? 0 : expected.Max(v => Math.Abs(v)));
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs((double)actual[i] - expected[i]);
            if (!(error <= atol * scale + rtol * Math.Abs(expected[i])))
            {
                Assert.Fail($"{what}[{i}]: generated {actual[i]:G9}, eager {expected[i]:G9}, |diff| {error:G3} (scale {scale:G3})");
            }
        }
    }
}
