using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using LayerGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LayerGen.GeneratorBenchmarks;

/// <summary>
/// What a <c>for</c> loop over time steps costs as the trip count grows (<c>--loops [steps…]</c>, issue 16): an RNN
/// and a GRU written as D2L writes them, each constructed with a constant <c>numSteps</c> so the generator specialises
/// (and unrolls) it. Per trip count: the generator's time (a fresh driver, best of three; one run beyond 100 steps), the generated source's
/// lines, Roslyn's time to compile the project (the compiler's share of a build, optimised), the largest method's IL
/// (the JIT optimises no method beyond about 60 KB of IL), and, running the compiled assembly in this process, µs per
/// span forward and per span forward + backward, and the same divided by the steps, which should stay flat.
/// </summary>
/// <remarks>
/// Which tier the JIT compiled each kernel at is not something a process can ask about itself: run this with
/// <c>DOTNET_JitStdOutFile=/tmp/jit.txt DOTNET_JitDisasmSummary=1</c> and read the lines of the cell's type
/// (benchmarks/README.md, "Loops over time steps").
/// </remarks>
internal static class LoopScaling
{
    private const int Batch = 32;
    private const int Inputs = 32;
    private const int Hiddens = 64;

    private const string RnnSource =
        """
        using LayerGen;

        namespace Loops;

        [Layer(Input = "[*, numSteps, numInputs]")]
        public partial class Rnn(int numSteps, int numInputs, int numHiddens)
        {
            [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens) * 0.1f;
            [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens) * 0.1f;
            [Parameter] Tensor bH = Tensor.Zeros(numHiddens);

            Tensor Forward(Tensor x)
            {
                var outputs = new Tensor[numSteps];
                var state = Tensor.Zeros(x.Size(0), numHiddens);
                for (int t = 0; t < numSteps; t++)
                {
                    state = Ops.Tanh(x.Narrow(1, t, 1).Sum(1).MatMul(wXh) + state.MatMul(wHh) + bH);
                    outputs[t] = state;
                }

                return Ops.Stack(1, outputs);
            }
        }
        """;

    private const string GruSource =
        """
        using LayerGen;

        namespace Loops;

        [Layer(Input = "[*, numSteps, numInputs]")]
        public partial class Gru(int numSteps, int numInputs, int numHiddens)
        {
            [Parameter] Tensor wXz = Tensor.Randn(numInputs, numHiddens) * 0.1f;
            [Parameter] Tensor wHz = Tensor.Randn(numHiddens, numHiddens) * 0.1f;
            [Parameter] Tensor bZ = Tensor.Zeros(numHiddens);
            [Parameter] Tensor wXr = Tensor.Randn(numInputs, numHiddens) * 0.1f;
            [Parameter] Tensor wHr = Tensor.Randn(numHiddens, numHiddens) * 0.1f;
            [Parameter] Tensor bR = Tensor.Zeros(numHiddens);
            [Parameter] Tensor wXh = Tensor.Randn(numInputs, numHiddens) * 0.1f;
            [Parameter] Tensor wHh = Tensor.Randn(numHiddens, numHiddens) * 0.1f;
            [Parameter] Tensor bH = Tensor.Zeros(numHiddens);

            Tensor Forward(Tensor x)
            {
                var outputs = new Tensor[numSteps];
                var h = Tensor.Zeros(x.Size(0), numHiddens);
                for (int t = 0; t < numSteps; t++)
                {
                    var xt = x.Narrow(1, t, 1).Sum(1);
                    var z = Ops.Sigmoid(xt.MatMul(wXz) + h.MatMul(wHz) + bZ);
                    var r = Ops.Sigmoid(xt.MatMul(wXr) + h.MatMul(wHr) + bR);
                    var candidate = Ops.Tanh(xt.MatMul(wXh) + (r * h).MatMul(wHh) + bH);
                    h = z * h + (1f - z) * candidate;
                    outputs[t] = h;
                }

                return Ops.Stack(1, outputs);
            }
        }
        """;

    public static void Run(IReadOnlyList<string> args)
    {
        int[] steps = args.Count > 0 ? args.Select(int.Parse).ToArray() : [8, 35, 100, 300];
        Console.WriteLine($"{Describe()}; load {Load()}; batch {Batch}, numInputs {Inputs}, numHiddens {Hiddens}");
        Measure("Rnn", 4, quiet: true); // warm-up: the generator's, Roslyn's and the runtime's own JIT
        Console.WriteLine($"{"cell",-4} {"steps",5} {"gen ms",8} {"lines",8} {"compile ms",10} {"largest IL",24} {"fwd µs",9} {"/step",7} {"fwd+bwd µs",11} {"/step",7}");
        foreach (string cell in new[] { "Rnn", "Gru" })
        {
            foreach (int n in steps)
            {
                Measure(cell, n, quiet: false);
            }
        }

        Console.WriteLine($"load {Load()}");
    }

    private static void Measure(string cell, int steps, bool quiet)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var use = $"namespace Loops; public static class Use {{ public static object Make() => new {cell}({steps}, {Inputs}, {Hiddens}); }}";
        var trees = new[] { CSharpSyntaxTree.ParseText(cell == "Rnn" ? RnnSource : GruSource, parse, path: $"{cell}.cs"), CSharpSyntaxTree.ParseText(use, parse, path: "Use.cs") };
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(LayerAttribute).Assembly.Location));
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true);
        var compilation = CSharpCompilation.Create($"Loops{cell}{steps}", trees, references, options);

        double generatorMs = double.MaxValue;
        Compilation output = compilation;
        GeneratorDriverRunResult? result = null;
        for (int i = 0; i < (steps > 100 ? 1 : 3); i++)
        {
            var driver = CSharpGeneratorDriver.Create(new[] { new LayerGenerator().AsSourceGenerator() }, parseOptions: parse);
            long start = Stopwatch.GetTimestamp();
            var ran = driver.RunGeneratorsAndUpdateCompilation(compilation, out output, out _);
            generatorMs = Math.Min(generatorMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            result = ran.GetRunResult();
        }

        var errors = result!.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            Console.WriteLine($"{cell} {steps}: {string.Join("; ", errors)}");
            return;
        }

        if (Environment.GetEnvironmentVariable("LOOPS_DUMP") is { Length: > 0 } dump)
        {
            foreach (var source in result.Results.SelectMany(r => r.GeneratedSources))
            {
                File.WriteAllText(Path.Combine(dump, $"{steps}.{source.HintName}"), source.SourceText.ToString());
            }
        }

        int lines = result.Results.SelectMany(r => r.GeneratedSources)
            .Where(s => s.HintName.Contains(cell, StringComparison.Ordinal))
            .Sum(s => s.SourceText.Lines.Count);

        using var image = new MemoryStream();
        long compileStart = Stopwatch.GetTimestamp();
        var emitted = output.Emit(image);
        double compileMs = Stopwatch.GetElapsedTime(compileStart).TotalMilliseconds;
        if (!emitted.Success)
        {
            Console.WriteLine($"{cell} {steps}: {string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5))}");
            return;
        }

        byte[] bytes = image.ToArray();
        (string largestName, int largestIl) = LargestMethod(bytes);
        var assembly = Assembly.Load(bytes);
        var layer = (ILayer)Activator.CreateInstance(assembly.GetType($"Loops.{cell}")!, steps, Inputs, Hiddens)!;
        if (!layer.KernelName.Contains($"numSteps={steps}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{cell}({steps}) runs {layer.KernelName}, not the kernel specialised for it");
        }

        var random = new Random(16);
        float[] x = Enumerable.Range(0, Batch * layer.InputRowLength).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] y = new float[Batch * layer.OutputRowLength];
        float[] dy = Enumerable.Range(0, y.Length).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] dx = new float[x.Length];
        float[] saved = new float[layer.SavedLength(Batch)];
        void Forward() => layer.ForwardSpan(Batch, x, y, saved);
        void ForwardBackward()
        {
            layer.ForwardSpan(Batch, x, y, saved);
            layer.BackwardSpan(Batch, x, y, dy, dx, saved);
        }

        double forward = MedianMicroseconds(Forward, quiet);
        double step = MedianMicroseconds(ForwardBackward, quiet);
        if (!quiet)
        {
            Console.WriteLine($"{cell,-4} {steps,5} {generatorMs,8:F0} {lines,8} {compileMs,10:F0} {largestIl,7} B {Shorten(largestName),-14} {forward,9:F1} {forward / steps,7:F2} {step,11:F1} {step / steps,7:F2}");
        }
    }

    /// <summary>
    /// The median of 15 samples, after warming up for two seconds (tiered compilation promotes a method after 30
    /// calls and a 100 ms delay, and a method with loops goes through on-stack replacement first).
    /// </summary>
    private static double MedianMicroseconds(Action run, bool quiet)
    {
        long warm = Stopwatch.GetTimestamp();
        int calls = 0;
        while (Stopwatch.GetElapsedTime(warm).TotalSeconds < (quiet ? 0.5 : 2.0))
        {
            run();
            calls++;
        }

        int perSample = Math.Max(1, (int)(calls / 2.0 / 20)); // about 50 ms a sample
        var samples = new List<double>();
        for (int s = 0; s < 15; s++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perSample; i++)
            {
                run();
            }

            samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / perSample);
        }

        samples.Sort();
        return samples[samples.Count / 2];
    }

    /// <summary>The method with the most IL in the image, and its IL size in bytes.</summary>
    private static (string Name, int Size) LargestMethod(byte[] image)
    {
        using var pe = new PEReader(new MemoryStream(image));
        var metadata = pe.GetMetadataReader();
        (string, int) largest = ("", 0);
        foreach (var handle in metadata.MethodDefinitions)
        {
            var method = metadata.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            int size = pe.GetMethodBody(method.RelativeVirtualAddress).Size;
            if (size > largest.Item2)
            {
                var type = metadata.GetTypeDefinition(method.GetDeclaringType());
                largest = ($"{metadata.GetString(type.Name)}.{metadata.GetString(method.Name)}", size);
            }
        }

        return largest;
    }

    private static string Shorten(string name) => name.Length <= 14 ? name : name[^14..];

    private static string Describe()
    {
        string model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        return $"{model}, {Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "on" : "off")}";
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
