using System;
using System.IO;
using System.Linq;
using LayerGen.Tests.Infrastructure;
using LayerGen.Tests.Layers;
using Xunit;

namespace LayerGen.Tests.Parameters.Serialization;

/// <summary>
/// Files written by TorchSharp.PyBridge (an implementation independent of ours) for the chapter's net
/// <c>Sequential(MyLinear(64, 8), MyLinear(8, 1))</c>, loaded and run on <c>seed_net_64_8_1_b2.json</c>'s input.
/// </summary>
public sealed class SafeTensorsInteropTests : IDisposable
{
    private const string FixtureName = "seed_net_64_8_1_b2";
    private static readonly string[] Keys = ["0.weight", "0.bias", "1.weight", "1.bias"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// F32 and F64 reproduce the fixture exactly in the sense that matters: every loaded parameter equals
    /// the fixture's value as a float, bit for bit (F64 data rounds to exactly those floats), so the net
    /// is the fixture's net and its output is bit-identical to the net built from the fixture's JSON.
    /// That output matches libtorch's float64 output within the fixture's float32 tolerance.
    /// </summary>
    [Theory]
    [InlineData("f32", SafeTensorsDType.F32)]
    [InlineData("f64", SafeTensorsDType.F64)]
    public void Full_precision_files_reproduce_the_fixture_exactly(string suffix, SafeTensorsDType dtype)
    {
        Fixture fixture = Fixture.Load(FixtureName);
        string path = FixturePath(suffix);
        Assert.All(Keys, k => Assert.Equal(dtype, SafeTensors.Read(path).DTypes[k]));

        var net = NewNet();
        Assert.True(SafeTensors.Load(net, path).AllMatched);

        foreach (string key in Keys)
        {
            Assert.Equal(fixture.Parameters[key].Shape, net.StateDict()[key].Shape.ToArray());
            Assert.Equal(fixture.Parameters[key].Data, net.StateDict()[key].Data); // float equality, element by element
        }

        Tensor y = net.Call(Input(fixture));
        Assert.Equal(NetFromJson(fixture).Call(Input(fixture)).Data, y.Data);
        TensorAssert.Close(fixture.Output, y.Data, y.Shape, $"{FixtureName} from {suffix}");
    }

    [Fact]
    public void Bfloat16_parameters_are_the_fixtures_rounded_to_bfloat16()
    {
        Fixture fixture = Fixture.Load(FixtureName);
        var net = NewNet();
        SafeTensors.Load(net, FixturePath("bf16"));
        foreach (string key in Keys)
        {
            float[] expected = fixture.Parameters[key].Data.Select(RawSafeTensors.RoundToBFloat16).ToArray();
            Assert.Equal(expected, net.StateDict()[key].Data);
        }
    }

    /// <summary>
    /// The output within bfloat16 rounding. bfloat16 keeps 8 significant bits, so each parameter p is
    /// stored as p(1 + δ) with |δ| ≤ u = 2⁻⁸. Propagated to first order through the net (ReLU is
    /// 1-Lipschitz, so it never enlarges a difference):
    /// layer 1: |Δz_j| ≤ u·A_j with A_j = Σ_k |x_k W_kj| + |b_j|, and |Δh_j| ≤ |Δz_j|;
    /// layer 2: y = Σ_j h_j V_j + c, so |Δy| ≤ Σ_j |Δh_j|·|V_j|(1 + u) + u·(Σ_j |h_j V_j| + |c|).
    /// The test computes that bound from the fixture's numbers, per output, and adds the fixture's float32
    /// tolerance for the arithmetic itself.
    /// </summary>
    [Fact]
    public void Bfloat16_file_reproduces_the_output_within_bfloat16_rounding()
    {
        Fixture fixture = Fixture.Load(FixtureName);
        var net = NewNet();
        SafeTensors.Load(net, FixturePath("bf16"));
        Tensor y = net.Call(Input(fixture));

        double u = Math.Pow(2, -8);
        double[] x = fixture.Inputs["x"].Values, w = fixture.Parameters["0.weight"].Values, b = fixture.Parameters["0.bias"].Values;
        double[] v = fixture.Parameters["1.weight"].Values;
        double c = fixture.Parameters["1.bias"].Values[0];
        for (int row = 0; row < 2; row++)
        {
            double bound = u * Math.Abs(c);
            for (int j = 0; j < 8; j++)
            {
                double a = Math.Abs(b[j]), z = b[j];
                for (int k = 0; k < 64; k++)
                {
                    a += Math.Abs(x[row * 64 + k] * w[k * 8 + j]);
                    z += x[row * 64 + k] * w[k * 8 + j];
                }

                double h = Math.Max(z, 0);
                bound += u * a * Math.Abs(v[j]) * (1 + u) + u * Math.Abs(h * v[j]);
            }

            double expected = fixture.Output.Values[row];
            double tolerance = bound + TensorAssert.DefaultAtol + TensorAssert.DefaultRtol * Math.Abs(expected);
            Assert.True(Math.Abs(y.Data[row] - expected) <= tolerance,
                $"row {row}: {y.Data[row]} vs {expected}, allowed {tolerance:G3} (bfloat16 bound {bound:G3})");
        }
    }

    [Fact]
    public void Save_then_load_into_a_fresh_model_reproduces_outputs()
    {
        Fixture fixture = Fixture.Load(FixtureName);
        var original = NewNet();
        SafeTensors.Load(original, FixturePath("f32"));
        string path = _folder.File("net.safetensors");
        SafeTensors.Save(original, path, new System.Collections.Generic.Dictionary<string, string> { ["format"] = "pt" });

        var fresh = NewNet();
        Assert.NotEqual(original.StateDict()["0.weight"].Data, fresh.StateDict()["0.weight"].Data);
        SafeTensors.Load(fresh, path);

        Assert.Equal(original.Call(Input(fixture)).Data, fresh.Call(Input(fixture)).Data);
        Assert.Equal("pt", SafeTensors.Read(path).Metadata["format"]);
        Assert.Equal(["net.safetensors"], _folder.FileNames()); // no temporary file left behind
    }

    [Fact]
    public void Our_file_has_the_same_tensors_as_pybridges()
    {
        // Same names, shapes, dtype and values; the byte layout differs only in key order and padding.
        var net = NewNet();
        SafeTensors.Load(net, FixturePath("f32"));
        string path = _folder.File("ours.safetensors");
        SafeTensors.Save(net, path);
        SafeTensorsFile ours = SafeTensors.Read(path), theirs = SafeTensors.Read(FixturePath("f32"));
        Assert.Equal(theirs.Tensors.Keys.Order(StringComparer.Ordinal), ours.Tensors.Keys);
        foreach (string key in Keys)
        {
            Assert.Equal(theirs.Tensors[key].Shape.ToArray(), ours.Tensors[key].Shape.ToArray());
            Assert.Equal(theirs.Tensors[key].Data, ours.Tensors[key].Data);
        }

        Assert.Equal(new FileInfo(FixturePath("f32")).Length - 263 - 8, new FileInfo(path).Length - HeaderLength(path) - 8);
    }

    private static Sequential NewNet() => new(new MyLinear(64, 8), new MyLinear(8, 1));

    private static Sequential NetFromJson(Fixture fixture)
    {
        var net = NewNet();
        net.LoadStateDict(fixture.Parameters.ToDictionary(p => p.Key, p => Tensor.From(p.Value.Data, p.Value.Shape)));
        return net;
    }

    private static Tensor Input(Fixture fixture) => Tensor.From(fixture.Inputs["x"].Data, fixture.Inputs["x"].Shape);

    private static string FixturePath(string suffix) => Path.Combine(Fixture.Directory, $"seed_net_64_8_1.{suffix}.safetensors");

    private static long HeaderLength(string path)
    {
        using var stream = File.OpenRead(path);
        var prefix = new byte[8];
        stream.ReadExactly(prefix);
        return BitConverter.ToInt64(prefix);
    }
}
