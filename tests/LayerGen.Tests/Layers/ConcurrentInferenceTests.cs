using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Tests.Layers.Children;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// Inference on one shared model from several threads at once, each with its own input, output and
/// saved buffers and mixed batch sizes, through the span API and through <see cref="ILayer.Call"/>:
/// every result must equal, bit for bit, the same batch run alone on one thread beforehand; and a warm
/// span call allocates nothing, concurrent or not. Covers every container and kind of layer: the
/// chapter's net, the built-in layers, nested <see cref="Sequential"/>s around a shape-agnostic layer
/// (rows change between children), one instance at two positions, generated layers with children, and
/// leaf layers on their own.
/// </summary>
[Collection(LayerGen.Tests.Runtime.GlobalRandomCollection.Name)] // the layers draw their weights from the global stream
public class ConcurrentInferenceTests
{
    private const int Threads = 4;
    private const int MaxRows = 7;

    public ConcurrentInferenceTests() => Tensor.ManualSeed(31);

    public static TheoryData<string> Models => new(Cases.Keys);

    private static readonly Dictionary<string, Func<ILayer>> Cases = new()
    {
        ["the chapter's net"] = () => new Sequential(new MyLinear(64, 8), new MyLinear(8, 1)),
        ["built-in layers"] = () => new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 5), new Tanh(), new Linear(5, 3), new Sigmoid()),
        ["nested Sequentials around CenteredLayer"] = () =>
            new Sequential(new Sequential(new Linear(4, 6), new ReLU()), new CenteredLayer(), new Sequential(new Linear(6, 3), new Tanh())),
        ["one instance at two positions"] = () =>
        {
            var twice = new Linear(5, 5);
            return new Sequential(twice, new Tanh(), twice, new CenteredLayer());
        },
        ["layers with children in a Sequential"] = () =>
            new Sequential(new TanhMlp(6, 5, 3), new Linear(3, 5), new ResidualBlock(5), new TwiceThrough(5), new ScaledChild(5), new CompTanhMlp(RunTime(5), 4, 3)),
        ["a layer with children"] = () => new TanhMlp(6, 5, 3),
        ["a generated leaf layer"] = () => new CompGatedLog(RunTime(6), 4),
        ["an empty Sequential"] = () => new Sequential(),
    };

    /// <summary>
    /// A size the generator cannot see, so the construction adds no specialised kernel: the property tests
    /// expect the Comp* layers' run-time kernel for every size but their own constant constructions.
    /// </summary>
    private static int RunTime(int size) => size;

    [Theory]
    [MemberData(nameof(Models))]
    public void Concurrent_span_inference_with_per_thread_buffers_gives_each_batch_its_result_alone(string name)
    {
        ILayer model = Cases[name]();
        var (inputs, expected) = RunAlone(model);
        int callsPerThread = 3000;
        var failures = new ConcurrentQueue<string>();
        var allocated = new long[Threads];

        RunTogether(thread =>
        {
            var input = new float[MaxRows * model.InputRowLength];
            var output = new float[MaxRows * model.OutputRowLength];
            var saved = new float[model.SavedLength(MaxRows)];
            for (int rows = 1; rows <= MaxRows; rows++)
            {
                Forward(rows); // warm: the thread's own kernel scratch
            }

            return () =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int call = 0; call < callsPerThread && failures.IsEmpty; call++)
                {
                    int rows = RowsOf(thread, call);
                    try
                    {
                        if (!Forward(rows).SequenceEqual(expected[rows]))
                        {
                            failures.Enqueue($"thread {thread}, call {call}: {rows} rows gave another result than alone");
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue($"thread {thread}, call {call}, {rows} rows: {e.GetType().Name}: {e.Message}");
                    }
                }

                allocated[thread] = GC.GetAllocatedBytesForCurrentThread() - before;
            };

            ReadOnlySpan<float> Forward(int rows)
            {
                inputs[rows].CopyTo(input, 0);
                Span<float> y = output.AsSpan(0, rows * model.OutputRowLength);
                model.ForwardSpan(rows, input.AsSpan(0, rows * model.InputRowLength), y, saved.AsSpan(0, model.SavedLength(rows)));
                return y;
            }
        });

        Assert.True(failures.IsEmpty, $"{name}: {failures.Count} failures, the first: {string.Join("\n", failures.Take(3))}");
        Assert.All(allocated, bytes => Assert.Equal(0, bytes));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Concurrent_Call_inference_gives_each_batch_its_result_alone(string name)
    {
        ILayer model = Cases[name]();
        var (inputs, expected) = RunAlone(model);
        var failures = new ConcurrentQueue<string>();

        RunTogether(thread => () =>
        {
            using (GradMode.NoGrad())
            {
                for (int call = 0; call < 500 && failures.IsEmpty; call++)
                {
                    int rows = RowsOf(thread, call);
                    try
                    {
                        Tensor y = model.Call(Tensor.From(inputs[rows].ToArray(), [rows, model.InputRowLength]));
                        if (!y.Data.AsSpan().SequenceEqual(expected[rows]))
                        {
                            failures.Enqueue($"thread {thread}, call {call}: {rows} rows gave another result than alone");
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue($"thread {thread}, call {call}, {rows} rows: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        });

        Assert.True(failures.IsEmpty, $"{name}: {failures.Count} failures, the first: {string.Join("\n", failures.Take(3))}");
    }

    /// <summary>Each batch size's input and its output computed alone, through the span API with fresh buffers.</summary>
    private static (float[][] Inputs, float[][] Outputs) RunAlone(ILayer model)
    {
        var inputs = new float[MaxRows + 1][];
        var outputs = new float[MaxRows + 1][];
        for (int rows = 1; rows <= MaxRows; rows++)
        {
            inputs[rows] = Tensor.Randn(rows, model.InputRowLength).Data.ToArray();
            outputs[rows] = new float[rows * model.OutputRowLength];
            model.ForwardSpan(rows, inputs[rows], outputs[rows], new float[model.SavedLength(rows)]);
        }

        // The same through Call, so that both tests compare with one reference.
        using (GradMode.NoGrad())
        {
            for (int rows = 1; rows <= MaxRows; rows++)
            {
                Assert.Equal(outputs[rows], model.Call(Tensor.From(inputs[rows].ToArray(), [rows, model.InputRowLength])).Data);
            }
        }

        return (inputs, outputs);
    }

    /// <summary>The batch size of a thread's call: every size from every thread, in a different order on each.</summary>
    private static int RowsOf(int thread, int call) => 1 + ((call * (thread + 2)) + (thread * 3)) % MaxRows;

    /// <summary>
    /// Runs <paramref name="prepare"/> on <see cref="Threads"/> threads, then the work it returns on all of
    /// them at once (released together by a barrier), and waits for them.
    /// </summary>
    private static void RunTogether(Func<int, Action> prepare)
    {
        using var start = new Barrier(Threads);
        var errors = new ConcurrentQueue<Exception>();
        Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                Action work = prepare(t);
                start.SignalAndWait();
                work();
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
                start.RemoveParticipant();
            }
        })).ToArray();

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Empty(errors);
    }
}
