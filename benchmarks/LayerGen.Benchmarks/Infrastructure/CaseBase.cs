using System;
using System.Collections.Generic;

namespace LayerGen.Benchmarks.Infrastructure;

/// <summary>A parameter seen three ways, for the self-check: LayerGen's tensor, the eager copy's, and the hand version's (in torch layout).</summary>
public sealed record ParamView(string Name, Tensor LayerGen, Tensor Eager, Func<float[]> HandTorchLayout);

/// <summary>
/// One benchmark case: the same network, data and training step run three ways — LayerGen (generated
/// kernels through the span API / Trainer, no allocation), the eager reference path (CallEager on the
/// eager ops, Tensor.Backward), and hand-written Vector512 C# (the baseline). Each returns a float so
/// the work is consumed. The benchmark classes call the sealed subclasses directly (no virtual call).
/// </summary>
public abstract class CaseBase
{
    /// <summary>SGD learning rate of the benchmarks (the self-check uses 1, so a step's update is the gradient).</summary>
    public const float DefaultLr = 0.01f;

    protected CaseBase(float lr) => Lr = lr;

    public float Lr { get; }

    /// <summary>The case as the issue names it.</summary>
    public abstract string Title { get; }

    /// <summary>The generated kernels the LayerGen path runs (KernelName of every layer).</summary>
    public abstract string Kernels { get; }

    /// <summary>What the training step contains.</summary>
    public abstract string StepDescription { get; }

    public abstract float LayerGenForward();

    public abstract float LayerGenStep();

    public abstract float HandForward();

    public abstract float HandStep();

    public abstract float EagerForward();

    public abstract float EagerStep();

    // ---- for the self-check (after the matching forward / step ran) ----

    /// <summary>LayerGen's forward output, flat, in LayerGen's layout.</summary>
    public abstract float[] LayerGenOutput();

    /// <summary>The hand version's forward output, in the same flat layout.</summary>
    public abstract float[] HandOutput();

    /// <summary>The eager forward output, flat.</summary>
    public abstract float[] EagerOutput();

    /// <summary>Every trainable parameter (none for CenteredLayer and FourierHalf).</summary>
    public virtual IReadOnlyList<ParamView> Parameters() => [];

    /// <summary>For a case without parameters the step's backward ends at the input: (LayerGen, hand, eager) dL/dx.</summary>
    public virtual (float[] LayerGen, float[] Hand, float[] Eager)? InputGradients() => null;

    /// <summary>The LayerGen step's phases, each runnable on its own, for <c>--breakdown</c>.</summary>
    public abstract IEnumerable<(string Phase, Action Run)> LayerGenPhases();

    /// <summary>Forward and backward of each child of a Sequential on its own buffers (after one forward pass to fill them).</summary>
    protected static IEnumerable<(string Phase, Action Run)> ChildPhases(ILayer model, int rows, float[] input)
    {
        if (model is not Sequential s)
        {
            yield break;
        }

        var inputs = new float[s.Count][];
        var outputs = new float[s.Count][];
        var saved = new float[s.Count][];
        var grads = new float[s.Count][];
        var inputGrads = new float[s.Count][];
        var rowCounts = new int[s.Count];
        float[] current = input;
        int r = rows;
        for (int i = 0; i < s.Count; i++)
        {
            var layer = s[i];
            if (i > 0)
            {
                r = r * s[i - 1].OutputRowLength / layer.InputRowLength;
            }

            rowCounts[i] = r;
            inputs[i] = current;
            outputs[i] = new float[r * layer.OutputRowLength];
            saved[i] = new float[layer.SavedLength(r)];
            grads[i] = new float[outputs[i].Length];
            Array.Fill(grads[i], 1e-3f);
            inputGrads[i] = i == 0 ? [] : new float[current.Length];
            layer.ForwardSpan(r, current, outputs[i], saved[i]);
            current = outputs[i];
        }

        for (int i = 0; i < s.Count; i++)
        {
            int k = i;
            yield return ($"  child {k} forward  {s[k].KernelName}", () => s[k].ForwardSpan(rowCounts[k], inputs[k], outputs[k], saved[k]));
            yield return ($"  child {k} backward {s[k].KernelName}" + (k == 0 ? " (no dX)" : ""), () =>
            {
                inputGrads[k].AsSpan().Clear();
                s[k].BackwardSpan(rowCounts[k], inputs[k], outputs[k], grads[k], inputGrads[k], saved[k]);
            });
            if (s[k] is IBackwardIntoParameters { CanBackwardIntoParameters: true } into)
            {
                // The update-in-backward trainer's call (it moves the parameters a little on every run).
                yield return ($"  child {k} backward into parameters", () =>
                {
                    inputGrads[k].AsSpan().Clear();
                    into.BackwardSpanIntoParameters(rowCounts[k], inputs[k], outputs[k], grads[k], inputGrads[k], saved[k]);
                });
            }
        }
    }

    protected static string KernelList(params ILayer[] layers)
    {
        var names = new List<string>();
        foreach (var layer in layers)
        {
            Collect(layer, names);
        }

        return string.Join(", ", names);
    }

    private static void Collect(ILayer layer, List<string> names)
    {
        if (layer is Sequential s)
        {
            for (int i = 0; i < s.Count; i++)
            {
                Collect(s[i], names);
            }
        }
        else
        {
            names.Add(layer.KernelName);
        }
    }

    /// <summary>Seeded standard-normal data.</summary>
    protected static float[] Randn(ulong seed, params int[] shape)
    {
        Tensor.ManualSeed(seed);
        return Tensor.Randn(shape).ToArray();
    }
}
