using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharpComparison;

/// <summary>
/// The ten issue-6 cases in TorchSharp on one thread: median µs per forward (no_grad) and per training
/// step (zero_grad, forward, loss, backward, SGD step; for the parameterless CenteredLayer and Fourier
/// cases: forward, MSE, backward to x.grad), each iteration in a dispose scope as TorchSharp code does.
/// Usage: run.sh benchmarks/TorchSharpComparison [--seconds 2] [--filter 6b] [--csv BenchmarkDotNet.Artifacts/torchsharp.csv]
/// (the CSV feeds the README table that LayerGen.Benchmarks prints at the end of its run).
/// </summary>
public static class Program
{
    private const double Lr = 0.01;

    public static int Main(string[] args)
    {
        double seconds = double.Parse(Option(args, "--seconds") ?? "2", CultureInfo.InvariantCulture);
        string? filter = Option(args, "--filter");
        string? csvPath = Option(args, "--csv");
        var csv = new StringBuilder("case,forward_us,step_us,forward_bytes,step_bytes\n");
        torch.set_num_threads(1);
        torch.set_num_interop_threads(1);
        torch.manual_seed(1);
        Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch threads: {torch.get_num_threads()}, interop threads: {torch.get_num_interop_threads()}");
        Console.WriteLine($"{seconds} s per measurement; median of per-iteration times (Stopwatch), after a warm-up of a third of that.");
        Console.WriteLine();
        Console.WriteLine("| case | forward µs (median) | step µs (median) | forward alloc B/call | step alloc B/call | iterations (fwd, step) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");

        foreach (var c in Cases())
        {
            if (filter is not null && !c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fwd = Measure(c.Forward, seconds);
            var step = Measure(c.Step, seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Name} | {fwd.Median:F2} | {step.Median:F2} | {fwd.Bytes:F0} | {step.Bytes:F0} | {fwd.Count}, {step.Count} |"));
            csv.Append(string.Create(CultureInfo.InvariantCulture, $"{c.Name.Split(' ')[0]},{fwd.Median:F3},{step.Median:F3},{fwd.Bytes:F0},{step.Bytes:F0}\n"));
            if (c.Name.StartsWith("5 ", StringComparison.Ordinal))
            {
                const double flops = 2.0 * 64 * 784 * 256 + 2.0 * 64 * 256 * 10;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"|   case 5 forward: {flops / fwd.Median / 1e3:F1} GFLOP/s | | | | | |"));
            }
        }

        if (csvPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csvPath))!);
            File.WriteAllText(csvPath, csv.ToString());
            Console.WriteLine($"wrote {csvPath}");
        }

        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed record Case(string Name, Action Forward, Action Step);

    private static (double Median, double Bytes, int Count) Measure(Action action, double seconds)
    {
        var warm = Stopwatch.StartNew();
        int warmCalls = 0;
        while (warm.Elapsed.TotalSeconds < seconds / 3 || warmCalls < 20)
        {
            action();
            warmCalls++;
        }

        GC.Collect();
        var samples = new List<double>();
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds || samples.Count < 50)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            long t1 = Stopwatch.GetTimestamp();
            samples.Add((t1 - t0) * 1e6 / Stopwatch.Frequency);
        }

        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        samples.Sort();
        return (samples[samples.Count / 2], (double)bytes / samples.Count, samples.Count);
    }

    // ---------------------------------------------------------------- the cases

    private static IEnumerable<Case> Cases()
    {
        yield return Parameterless("1a CenteredLayer x[2,5]", new CenteredLayer(), randn(2, 5), randn(2, 5));
        yield return Parameterless("1b CenteredLayer x[64,128]", new CenteredLayer(), randn(64, 128), randn(64, 128));
        yield return Trained("2 MyLinear 64→8 relu, batch 2", new MyLinear(64, 8), randn(2, 64), randn(2, 8), Mse);
        yield return Trained("3 chapter net 64→8→1, batch 2", nn.Sequential(new MyLinear(64, 8), new MyLinear(8, 1)), randn(2, 64), randn(2, 1), Mse);
        yield return Trained("4 Linear(8,128)→CenteredLayer, batch 4", nn.Sequential(nn.Linear(8, 128), new CenteredLayer()), randn(4, 8), randn(4, 128), Mse);
        var labels = torch.tensor(Enumerable.Range(0, 64).Select(i => (long)((i * 7 + 3) % 10)).ToArray());
        yield return Trained("5 MLP 784-256-10 relu, batch 64, softmax cross-entropy", nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)),
            randn(64, 784), labels, (y, t) => F.cross_entropy(y, t));
        yield return Trained("6a MLP 32-64-64-1 tanh, batch 1", Mlp(), randn(1, 32), randn(1, 1), Mse);
        yield return Trained("6b MLP 32-64-64-1 tanh, batch 256", Mlp(), randn(256, 32), randn(256, 1), Mse);
        yield return Trained("7 bilinear W[16,16,8], batch 8", new TensorReduction(16, 8), randn(8, 16), randn(8, 8), Mse);
        yield return Parameterless("8 Fourier half, x[8,64]", new FourierHalf(), randn(8, 64), randn(8, 32, 2));
    }

    private static Tensor Mse(Tensor y, Tensor target) => F.mse_loss(y, target);

    private static nn.Module<Tensor, Tensor> Mlp() =>
        nn.Sequential(nn.Linear(32, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1));

    private static Case Trained(string name, nn.Module<Tensor, Tensor> model, Tensor x, Tensor target, Func<Tensor, Tensor, Tensor> loss)
    {
        var sgd = torch.optim.SGD(model.parameters(), Lr);
        return new Case(
            name,
            () =>
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                model.forward(x);
            },
            () =>
            {
                using var scope = torch.NewDisposeScope();
                sgd.zero_grad();
                var y = model.forward(x);
                var l = loss(y, target);
                l.backward();
                sgd.step();
            });
    }

    private static Case Parameterless(string name, nn.Module<Tensor, Tensor> layer, Tensor x, Tensor target)
    {
        x.requires_grad_(true);
        return new Case(
            name,
            () =>
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                layer.forward(x);
            },
            () =>
            {
                using var scope = torch.NewDisposeScope();
                x.grad?.zero_();
                var y = layer.forward(x);
                var l = F.mse_loss(y, target);
                l.backward();
            });
    }

    // ------------------------------------------------------------ the chapter's layers, as TorchSharp modules

    private sealed class CenteredLayer : nn.Module<Tensor, Tensor>
    {
        public CenteredLayer()
            : base(nameof(CenteredLayer))
        {
        }

        public override Tensor forward(Tensor x) => x - x.mean();
    }

    private sealed class MyLinear : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter weight;
        private readonly Parameter bias;

        public MyLinear(int inUnits, int units)
            : base(nameof(MyLinear))
        {
            weight = new Parameter(torch.randn(inUnits, units));
            bias = new Parameter(torch.randn(units));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => F.relu(x.matmul(weight) + bias);
    }

    private sealed class TensorReduction : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter weight;

        public TensorReduction(int inputs, int outputs)
            : base(nameof(TensorReduction))
        {
            weight = new Parameter(torch.randn(inputs, inputs, outputs));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => torch.einsum("ijk,bi,bj->bk", weight, x, x);
    }

    /// <summary>The first n/2 coefficients of the real FFT of each row, as (re, im) pairs: [*, n/2, 2].</summary>
    private sealed class FourierHalf : nn.Module<Tensor, Tensor>
    {
        public FourierHalf()
            : base(nameof(FourierHalf))
        {
        }

        public override Tensor forward(Tensor x)
        {
            long half = x.shape[^1] / 2;
            return torch.view_as_real(torch.fft.rfft(x).slice(-1, 0, half, 1));
        }
    }
}
