// The consumer check's program (packaging/consumer-check.sh copies it, with samples/CustomLayers/Layers.cs,
// into a throwaway project that references only the LayerGen package). It runs the chapter's layers through
// the kernels the packaged generator emitted and exits non-zero when anything is off.
using System;
using System.Linq;
using CustomLayers;
using LayerGen;

var failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) failures++;
}
// A build with <LayerGenScalarKernels>true</LayerGenScalarKernels> runs the same kernels as plain scalar loops, and says so.
static string Kernel(string kernelName) => kernelName.EndsWith(" (scalar loops)", StringComparison.Ordinal) ? kernelName[..^" (scalar loops)".Length] : kernelName;
static bool Close(float[] a, float[] b, float tol = 1e-4f) =>
    a.Length == b.Length && a.Zip(b).All(p => MathF.Abs(p.First - p.Second) <= tol * (1 + MathF.Abs(p.Second)));

try
{
    Tensor.ManualSeed(0);

    // The chapter's first layer: no parameters.
    var centered = new CenteredLayer();
    var c = centered.Call(Tensor.From(1f, 2, 3, 4, 5));
    Console.WriteLine(c);
    Check(Close(c.ToArray(), new[] { -2f, -1, 0, 1, 2 }), "CenteredLayer()(1..5) == [-2, -1, 0, 1, 2]");
    Console.WriteLine($"CenteredLayer           KernelName = {centered.KernelName}");

    // The chapter's net: two MyLinear layers with constant sizes, so each gets its own constant kernel.
    var first = new MyLinear(64, 8);
    var second = new MyLinear(8, 1);
    var net = new Sequential(first, second);
    var x = Tensor.Rand(2, 64);
    var hidden = first.Call(x);
    Check(hidden.ToArray().Any(v => v > 0) && Close(hidden.ToArray(), first.CallEager(x).ToArray()),
        "MyLinear(64, 8): generated forward == eager reference forward (and not all zero)");
    var y = net.Call(x);
    Console.WriteLine(y);
    Console.WriteLine($"net[0] MyLinear(64, 8)  KernelName = {net[0].KernelName}");
    Console.WriteLine($"net[1] MyLinear(8, 1)   KernelName = {net[1].KernelName}");
    Check(Kernel(net[0].KernelName) == "MyLinear[inUnits=64, units=8]", "net[0] runs the constant kernel MyLinear[inUnits=64, units=8]");
    Check(Kernel(net[1].KernelName) == "MyLinear[inUnits=8, units=1]", "net[1] runs the constant kernel MyLinear[inUnits=8, units=1]");
    Check(y.Shape.ToArray().SequenceEqual(new[] { 2, 1 }), "net(x) has shape [2, 1]");
    var eager = second.CallEager(first.CallEager(x));
    Check(Close(y.ToArray(), eager.ToArray()), "generated forward == eager reference forward");

    // Backward through the generated kernels: every parameter gets a gradient of its own shape.
    y.Sum().Backward();
    foreach (var (name, parameter) in net.NamedParameters())
    {
        var grad = parameter.Grad;
        Check(grad is not null && grad.Shape.ToArray().SequenceEqual(parameter.Shape.ToArray()),
            $"{name} has a gradient of shape [{string.Join(", ", parameter.Shape.ToArray())}]");
    }

    // A size known only at run time takes the run-time-bounded kernel.
    var units = int.Parse(Environment.GetEnvironmentVariable("LAYERGEN_CONSUMER_UNITS") ?? "3");
    var dynamic = new MyLinear(5, units);
    var x5 = Tensor.Rand(4, 5);
    Console.WriteLine($"MyLinear(5, units)      KernelName = {dynamic.KernelName}");
    Check(Kernel(dynamic.KernelName) == "MyLinear[run-time sizes]", "MyLinear(5, units) runs the run-time-sizes kernel");
    Check(Close(dynamic.Call(x5).ToArray(), dynamic.CallEager(x5).ToArray()), "run-time kernel == eager reference");
}
catch (Exception e)
{
    Console.WriteLine($"FAIL {e.GetType().Name}: {e.Message}");
    failures++;
}

Console.WriteLine(failures == 0 ? "consumer: all checks passed" : $"consumer: {failures} check(s) failed");
return failures == 0 ? 0 : 1;
