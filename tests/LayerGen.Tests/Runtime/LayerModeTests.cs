using System;
using System.Collections.Generic;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>ILayer.Training/Train, the Eval extension, and their propagation through Sequential.</summary>
public sealed class LayerModeTests
{
    [Fact]
    public void Sequential_train_and_eval_reach_every_descendant()
    {
        var leaf = new ModeProbe();
        var inner = new Sequential(new HandRelu(3), leaf);
        var other = new ModeProbe();
        var net = new Sequential(new HandLinear(4, 3, new Random(1)), inner, other);
        Assert.True(net.Training);
        Assert.True(inner.Training);
        Assert.True(leaf.Training);

        Assert.Same(net, net.Eval());
        Assert.False(net.Training);
        Assert.False(inner.Training);
        Assert.False(leaf.Training);
        Assert.False(other.Training);
        Assert.Equal([false], leaf.Calls);

        net.Train();
        Assert.True(net.Training);
        Assert.True(inner.Training);
        Assert.True(leaf.Training);
        Assert.Equal([false, true], leaf.Calls);

        net.Train(false);
        Assert.False(((ILayer)inner).Training);
    }

    [Fact]
    public void A_layer_without_a_mode_keeps_the_default_implementation()
    {
        ILayer plain = new HandRelu(2);
        Assert.True(plain.Training);
        plain.Train(false); // a no-op by default
        Assert.True(plain.Training);
        Assert.Same(plain, plain.Eval());
    }

    [Fact]
    public void Eval_on_the_interface_type_calls_the_implementation()
    {
        ILayer probe = new ModeProbe();
        probe.Eval();
        Assert.False(probe.Training);
    }

    /// <summary>A shape-agnostic identity layer that records the modes it was given.</summary>
    private sealed class ModeProbe : ILayer
    {
        public List<bool> Calls { get; } = [];

        public bool Training { get; private set; } = true;

        public void Train(bool mode = true)
        {
            Training = mode;
            Calls.Add(mode);
        }

        public string LayerName => "ModeProbe";

        public string KernelName => "ModeProbe";

        public int InputRowLength => 1;

        public int OutputRowLength => 1;

        public Tensor Call(Tensor input) => input;

        // The identity has no eager computation of its own: the eager path is Call.
        public Tensor CallEager(Tensor input) => Call(input);

        public IEnumerable<KeyValuePair<string, Tensor>> LocalParameters() => [];

        public IEnumerable<KeyValuePair<string, IModule>> NamedChildren() => [];

        public int SavedLength(int rows) => 0;

        public void ForwardSpan(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved) => input.CopyTo(output);

        public void BackwardSpan(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved)
        {
            for (int i = 0; i < inputGrad.Length; i++)
            {
                inputGrad[i] += outputGrad[i];
            }
        }
    }
}
