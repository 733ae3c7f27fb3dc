using System;
using System.Collections.Generic;
using LayerGen.Generated;

namespace LayerGen.Tests.Runtime;

// Hand-written ILayer implementations, standing in for generated layers so that LayerRuntime and
// Sequential are tested on their own, whatever state the generator is in. Each one is the plain
// loop a generated kernel would be, and its eager twin is written next to it for comparison.

/// <summary>y = x W + b with W [in, units] (the chapter's MyLinear layout); saves nothing.</summary>
internal sealed class HandLinear : ILayer
{
    private readonly int _in, _units;

    public HandLinear(int inUnits, int units, Random random)
    {
        _in = inUnits;
        _units = units;
        Weight = RandomTensor(random, inUnits, units).AsParameter();
        Bias = RandomTensor(random, units).AsParameter();
    }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public string LayerName => "HandLinear";

    public string KernelName => $"HandLinear[inUnits={_in}, units={_units}]";

    public int InputRowLength => _in;

    public int OutputRowLength => _units;

    public Tensor Call(Tensor input) => LayerRuntime.Call(this, input, [_in], [_units]);

    /// <summary>The same computation through the eager reference ops.</summary>
    public Tensor CallEager(Tensor input) => input.MatMul(Weight) + Bias;

    public IEnumerable<KeyValuePair<string, Tensor>> LocalParameters() =>
        [new("weight", Weight), new("bias", Bias)];

    public IEnumerable<KeyValuePair<string, IModule>> NamedChildren() => [];

    public int SavedLength(int rows) => 0;

    public void ForwardSpan(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved)
    {
        float[] w = Weight.Data, b = Bias.Data;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < _units; j++)
            {
                float sum = b[j];
                for (int p = 0; p < _in; p++)
                {
                    sum += input[r * _in + p] * w[p * _units + j];
                }

                output[r * _units + j] = sum;
            }
        }
    }

    public void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved)
    {
        float[] w = Weight.Data;
        float[]? gw = Weight.RequiresGrad ? Weight.EnsureGrad().Data : null;
        float[]? gb = Bias.RequiresGrad ? Bias.EnsureGrad().Data : null;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < _units; j++)
            {
                float g = outputGrad[r * _units + j];
                if (gb is not null)
                {
                    gb[j] += g;
                }

                for (int p = 0; p < _in; p++)
                {
                    if (!inputGrad.IsEmpty)
                    {
                        inputGrad[r * _in + p] += g * w[p * _units + j];
                    }

                    if (gw is not null)
                    {
                        gw[p * _units + j] += g * input[r * _in + p];
                    }
                }
            }
        }
    }

    internal static Tensor RandomTensor(Random random, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Count; i++)
        {
            t.Data[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return t;
    }
}

/// <summary>
/// relu over rows of <c>features</c> floats that keeps its 0/1 mask in <c>saved</c>, so that tests see
/// whether every position of a Sequential gets a saved region of its own.
/// </summary>
internal sealed class HandRelu(int features) : ILayer
{
    public string LayerName => "HandRelu";

    public string KernelName => $"HandRelu[features={features}]";

    public int InputRowLength => features;

    public int OutputRowLength => features;

    public Tensor Call(Tensor input) => LayerRuntime.Call(this, input, [features], [features]);

    /// <summary>The same computation through the eager reference op (its gradient at 0 is 0, as the saved mask's).</summary>
    public Tensor CallEager(Tensor input) => Ops.Relu(input);

    public IEnumerable<KeyValuePair<string, Tensor>> LocalParameters() => [];

    public IEnumerable<KeyValuePair<string, IModule>> NamedChildren() => [];

    public int SavedLength(int rows) => rows * features;

    public void ForwardSpan(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved)
    {
        for (int i = 0; i < rows * features; i++)
        {
            saved[i] = input[i] > 0 ? 1f : 0f;
            output[i] = input[i] * saved[i];
        }
    }

    public void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved)
    {
        if (inputGrad.IsEmpty)
        {
            return;
        }

        for (int i = 0; i < rows * features; i++)
        {
            inputGrad[i] += outputGrad[i] * saved[i];
        }
    }
}
