// Parameter management as the d2l "Parameter Management" and "File I/O" chapters do it, on LayerGen:
// access, initialisation, sharing, saving and loading (safetensors, readable by PyTorch).
using System;
using System.IO;
using System.Linq;
using LayerGen;
using Parameters;

Tensor.ManualSeed(0);
var net = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
var x = Tensor.Rand(2, 4);
Console.WriteLine(net.Call(x));

Section("1. Access: one layer's parameters, by name (PyTorch's net[2].state_dict())");
var output = (Linear)net[2];
foreach (var (name, parameter) in output.StateDict())
{
    Console.WriteLine($"{name,-8} {Shape(parameter)}");
}

Section("2. A parameter is a tensor: net[2].Bias");
Console.WriteLine(output.Bias);
Console.WriteLine($"grad before any backward pass: {(output.Bias.Grad is null ? "None" : "set")}");

Section("3. All parameters at once, with dotted names");
foreach (var (name, parameter) in net.NamedParameters())
{
    Console.WriteLine($"{name,-10} {Shape(parameter)}");
}

Console.WriteLine($"state dict: {string.Join(", ", net.StateDict().Keys)}");
Console.WriteLine($"by name: net.StateDict()[\"2.bias\"] = {net.StateDict()["2.bias"]}");

Section("4. Initialisation over a model with Apply (PyTorch's net.apply(init_normal))");
net.Apply(layer =>
{
    if (layer is Linear linear)
    {
        Init.Normal(linear.Weight, mean: 0f, std: 0.01f);
        Init.Zeros(linear.Bias);
    }
});
Console.WriteLine($"net[0].Weight[0, :] = [{Row(((Linear)net[0]).Weight, 0)}], net[0].Bias[0] = {((Linear)net[0]).Bias.Data[0]}");

Section("5. Different schemes per layer: Xavier for the first, the constant 42 for the last");
Init.XavierUniform(((Linear)net[0]).Weight);
Init.Constant(output.Weight, 42f);
Console.WriteLine($"net[0].Weight[0, :] = [{Row(((Linear)net[0]).Weight, 0)}]");
Console.WriteLine($"net[2].Weight       = [{Row(output.Weight, 0)}]");

Section("6. A custom scheme: uniform in ±10, then keep only weights with |w| >= 5");
net.Apply(layer =>
{
    if (layer is Linear linear)
    {
        Tensor w = linear.Weight;
        Init.Uniform(w, -10f, 10f);
        Init.Custom(w, i => MathF.Abs(w.Data[i]) >= 5 ? w.Data[i] : 0f);
    }
});
Console.WriteLine($"net[0].Weight[:2] = [{Row(((Linear)net[0]).Weight, 0)}], [{Row(((Linear)net[0]).Weight, 1)}]");

Section("7. A layer that initialises itself: [Parameter] weight = Init.KaimingUniform(...)");
var he = new HeLinear(4, 3);
Console.WriteLine(he.Weight);

Section("8. A shared layer: the same instance at positions 2 and 4 is one set of parameters");
var shared = new Linear(8, 8);
var sharedNet = new Sequential(new Linear(4, 8), new ReLU(), shared, new ReLU(), shared, new ReLU(), new Linear(8, 1));
sharedNet.Call(x);
var second = (Linear)sharedNet[2];
var fourth = (Linear)sharedNet[4];
Console.WriteLine($"same weights: {second.Weight.Data.SequenceEqual(fourth.Weight.Data)}");
second.Weight[0, 0] = 100f;
Console.WriteLine($"after net[2].Weight[0, 0] = 100: net[4].Weight[0, 0] = {fourth.Weight[0, 0]} (the same object: {ReferenceEquals(second.Weight, fourth.Weight)})");
Console.WriteLine($"named parameters list it once:    {string.Join(", ", sharedNet.NamedParameters().Select(p => p.Key))}");
Console.WriteLine($"the state dict lists every name:  {string.Join(", ", sharedNet.StateDict().Keys)}");
sharedNet.Call(x).Sum().Backward();
Console.WriteLine("its gradient is the sum of both uses' contributions (checked against finite differences in the tests)");

Section("9. A tensor shared by two layers: assign one layer's parameter to another");
var a = new Linear(8, 8);
var b = new Linear(8, 8) { Weight = a.Weight };
Console.WriteLine($"tied: {ReferenceEquals(a.Weight, b.Weight)}; parameters: {string.Join(", ", new Sequential(a, b).NamedParameters().Select(p => p.Key))}");

Section("10. Save and load (safetensors): a fresh model reproduces the outputs");
string folder = Directory.CreateTempSubdirectory("layergen-parameters-").FullName;
try
{
    var mlp = new Sequential(new Linear(20, 256), new ReLU(), new Linear(256, 10));
    var input = Tensor.Rand(2, 20);
    Tensor y = mlp.Call(input);

    string path = Path.Combine(folder, "mlp.safetensors");
    SafeTensors.Save(mlp, path, new System.Collections.Generic.Dictionary<string, string> { ["format"] = "pt" });
    Console.WriteLine($"saved {new FileInfo(path).Length} bytes: {string.Join(", ", SafeTensors.Read(path).Tensors.Select(t => $"{t.Key} {Shape(t.Value)}"))}");

    var clone = new Sequential(new Linear(20, 256), new ReLU(), new Linear(256, 10));
    Console.WriteLine(SafeTensors.Load(clone, path));
    Console.WriteLine($"clone(X) == Y: {clone.Call(input).Data.SequenceEqual(y.Data)}");

    // The shared net of cell 8: stored once, re-linked on load through the model's own sharing.
    string sharedPath = Path.Combine(folder, "shared.safetensors");
    SafeTensors.Save(sharedNet, sharedPath);
    Console.WriteLine($"shared net file: {string.Join(", ", SafeTensors.Read(sharedPath).Tensors.Keys)}; " +
        $"aliases: {string.Join(", ", SafeTensors.Read(sharedPath).Metadata.Select(m => $"{m.Key} -> {m.Value}"))}");

    // A file that does not fit says everything that is wrong at once, and the model is left as it was.
    try
    {
        SafeTensors.Load(new Sequential(new Linear(20, 128), new ReLU(), new Linear(128, 10)), path);
    }
    catch (StateDictLoadException e)
    {
        Console.WriteLine(e.Message.Replace(folder, "<tmp>", StringComparison.Ordinal));
    }
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static string Shape(Tensor t) => $"[{string.Join(", ", t.Shape.ToArray())}]";

static string Row(Tensor t, int row) =>
    string.Join(", ", t.Data.Skip(row * t.Size(-1)).Take(t.Size(-1)).Select(v => v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)));

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine($"# {title}");
}
