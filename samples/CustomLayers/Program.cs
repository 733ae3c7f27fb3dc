// The PyTorch "custom layers" chapter, cell by cell, on LayerGen. Every layer call below runs code
// that the LayerGen generator emitted for the layers in Layers.cs (see obj/.../generated/).
using System;
using CustomLayers;
using LayerGen;

Tensor.ManualSeed(0);

Section("1. A layer without parameters");
var layer = new CenteredLayer();
Console.WriteLine(layer.Call(Tensor.From(1f, 2, 3, 4, 5)));

Section("2. Composed with a built-in Linear: the output's mean is (almost) zero");
var centeredNet = new Sequential(new Linear(8, 128), new CenteredLayer());
var centered = centeredNet.Call(Tensor.Rand(4, 8));
Console.WriteLine(centered.Mean());

Section("3. A layer with parameters: MyLinear(5, 3).Weight");
var linear = new MyLinear(5, 3);
Console.WriteLine(linear.Weight);

Section("4. Forward through MyLinear(5, 3)");
Console.WriteLine(linear.Call(Tensor.Rand(2, 5)));

Section("5. The chapter's net: Sequential(MyLinear(64, 8), MyLinear(8, 1))");
var net = new Sequential(new MyLinear(64, 8), new MyLinear(8, 1));
var y = net.Call(Tensor.Rand(2, 64));
Console.WriteLine(y);

Section("6. Beyond the chapter: one generated backward pass");
y.Sum().Backward();
foreach (var (name, parameter) in net.NamedParameters())
{
    Console.WriteLine($"{name,-10} grad shape [{string.Join(", ", parameter.Grad!.Shape.ToArray())}]");
}

Section("Which kernels ran");
Console.WriteLine($"{"CenteredLayer",-24} {layer.KernelName}");
Console.WriteLine($"{"MyLinear(5, 3)",-24} {linear.KernelName}");
Console.WriteLine($"{"net[0] MyLinear(64, 8)",-24} {net[0].KernelName}");
Console.WriteLine($"{"net[1] MyLinear(8, 1)",-24} {net[1].KernelName}");

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine($"# {title}");
}
