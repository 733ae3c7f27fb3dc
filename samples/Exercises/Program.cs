// The chapter's two exercises as LayerGen layers. Both run kernels the generator emitted for the
// layers in Layers.cs (see obj/.../generated/): forward and backward.
using System;
using Exercises;
using LayerGen;

Tensor.ManualSeed(0);

Section("Exercise 1: y_k = sum_ij W_ijk x_i x_j, TensorReduction(4, 2)");
var reduction = new TensorReduction(4, 2);
Show(reduction, Tensor.Rand(2, 4));

Section("Exercise 2: the first n/2 Fourier coefficients (re, im), FourierHalf(8)");
var fourier = new FourierHalf(8);
Show(fourier, Tensor.Rand(2, 8));

// The input, the output, the kernel that ran, and the largest difference between the generated
// backward and central finite differences (the forward is float32, so ~1e-5 is agreement; a wrong
// gradient rule would be off by about the size of the gradient itself).
static void Show(ILayer layer, Tensor x)
{
    Console.WriteLine("x:");
    Console.WriteLine(x);
    Console.WriteLine("layer.Call(x):");
    Console.WriteLine(layer.Call(x));
    Console.WriteLine($"kernel: {layer.KernelName}");
    foreach (var (name, largest) in GradientCheck.LargestDifferences(layer, x))
    {
        Console.WriteLine($"gradient check, d/d{name,-7} largest |backward - finite difference| = {largest:0.0e+0}");
    }
}

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine($"# {title}");
}
