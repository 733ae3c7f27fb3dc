using System;
using Xunit;

namespace LayerGen.Tests.Runtime;

/// <summary>The autograd engine's rules, as PyTorch has them.</summary>
public sealed class AutogradTests
{
    private static Tensor Leaf(params float[] values)
    {
        Tensor x = Tensor.From(values);
        x.RequiresGrad = true;
        return x;
    }

    [Fact]
    public void Leaf_gradients_accumulate_across_backward_passes_until_zeroed()
    {
        Tensor x = Leaf(1, 2, 3);
        (x * x).Sum().Backward();
        Assert.Equal([2f, 4, 6], x.Grad!.ToArray());

        Tensor grad = x.Grad;
        (x * x).Sum().Backward(); // a new graph: accumulates
        Assert.Equal([4f, 8, 12], x.Grad!.ToArray());

        x.ZeroGrad();
        Assert.Same(grad, x.Grad); // zeroed in place, not reallocated
        Assert.Equal([0f, 0, 0], x.Grad.ToArray());
        (x * 3f).Sum().Backward();
        Assert.Equal([3f, 3, 3], x.Grad.ToArray());
    }

    [Fact]
    public void A_second_backward_through_the_same_graph_throws()
    {
        Tensor x = Leaf(1, 2);
        Tensor loss = (x * x).Sum();
        loss.Backward();
        var error = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.StartsWith("Trying to backward through the graph a second time", error.Message);
        Assert.Equal([2f, 4], x.Grad!.ToArray()); // the refused pass left nothing behind
    }

    [Fact]
    public void A_shared_subgraph_counts_as_freed_too()
    {
        Tensor x = Leaf(1, 2);
        Tensor hidden = Ops.Tanh(x);
        hidden.Sum().Backward();
        Assert.Throws<InvalidOperationException>(() => (hidden * 2f).Sum().Backward());
    }

    [Fact]
    public void RetainGraph_allows_another_pass_which_accumulates()
    {
        Tensor x = Leaf(1, 2);
        Tensor loss = (x * x).Sum();
        loss.Backward(Tensor.Full(1f), retainGraph: true);
        loss.Backward(Tensor.Full(1f));
        Assert.Equal([4f, 8], x.Grad!.ToArray());
    }

    [Fact]
    public void Implicit_backward_needs_a_one_element_output()
    {
        Tensor y = Leaf(1, 2) * 2f;
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Equal("grad can be implicitly created only for scalar outputs", error.Message);

        Tensor x = Leaf(3);
        (x * 2f).Reshape(1, 1).Backward(); // one element of any rank is fine, as in PyTorch
        Assert.Equal([2f], x.Grad!.ToArray());
    }

    [Fact]
    public void Backward_with_a_gradient_checks_its_shape()
    {
        Tensor y = Leaf(1, 2) * 2f;
        Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones(3)));
        y.Backward(Tensor.From(1f, 10));
    }

    [Fact]
    public void Backward_from_a_tensor_that_does_not_require_grad_throws()
    {
        Tensor y = Tensor.Ones(2).Sum();
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [Fact]
    public void Backward_from_a_leaf_seeds_its_own_gradient()
    {
        Tensor x = Leaf(5);
        x.Backward();
        Assert.Equal([1f], x.Grad!.ToArray());
    }

    [Fact]
    public void Fan_out_adds_the_gradients_of_every_use()
    {
        // y = 2x; z = y*y + y  =>  dz/dx = (2y + 1) * 2 = 8x + 2
        Tensor x = Leaf(1, -2, 0.5f);
        Tensor y = x * 2f;
        (y * y + y).Sum().Backward();
        Assert.Equal([10f, -14, 6], x.Grad!.ToArray());
        Assert.Null(y.Grad); // non-leaf gradients are not kept
    }

    [Fact]
    public void Only_tensors_that_require_grad_get_a_gradient()
    {
        Tensor x = Leaf(1, 2);
        Tensor constant = Tensor.From(3f, 4);
        (x * constant).Sum().Backward();
        Assert.Equal([3f, 4], x.Grad!.ToArray());
        Assert.Null(constant.Grad);
    }

    [Fact]
    public void Ops_on_tensors_without_grad_record_nothing()
    {
        Tensor y = Ops.Exp(Tensor.Ones(2) + Tensor.Ones(2));
        Assert.True(y.IsLeaf);
        Assert.False(y.RequiresGrad);
    }

    [Fact]
    public void NoGrad_stops_recording_and_nests()
    {
        Tensor x = Leaf(1, 2);
        using (GradMode.NoGrad())
        {
            Assert.False(GradMode.IsEnabled);
            using (GradMode.NoGrad())
            {
                Assert.Null((x * 2f).GradFn);
            }

            Assert.False(GradMode.IsEnabled); // the inner scope restored "disabled"
            Tensor y = x * 2f;
            Assert.True(y.IsLeaf);
            Assert.False(y.RequiresGrad);
        }

        Assert.True(GradMode.IsEnabled);
        Assert.NotNull((x * 2f).GradFn);
    }

    [Fact]
    public void Grad_fn_names_follow_pytorch()
    {
        Tensor a = Leaf(1, 2), b = Leaf(3, 4);
        Tensor m = Tensor.Ones(2, 2);
        m.RequiresGrad = true;
        Assert.Equal("AddBackward0", (a + b).GradFn!.Name);
        Assert.Equal("SubBackward0", (a - b).GradFn!.Name);
        Assert.Equal("RsubBackward1", (1f - a).GradFn!.Name);
        Assert.Equal("MulBackward0", (a * b).GradFn!.Name);
        Assert.Equal("DivBackward0", (a / b).GradFn!.Name);
        Assert.Equal("NegBackward0", (-a).GradFn!.Name);
        Assert.Equal("MmBackward0", m.MatMul(m).GradFn!.Name);
        Assert.Equal("MvBackward0", m.MatMul(a).GradFn!.Name);
        Assert.Equal("DotBackward0", a.MatMul(b).GradFn!.Name);
        Assert.Equal("SumBackward0", a.Sum().GradFn!.Name);
        Assert.Equal("SumBackward1", m.Sum(0).GradFn!.Name);
        Assert.Equal("MeanBackward0", a.Mean().GradFn!.Name);
        Assert.Equal("MeanBackward1", m.Mean(1).GradFn!.Name);
        Assert.Equal("ReluBackward0", Ops.Relu(a).GradFn!.Name);
        Assert.Equal("TanhBackward0", Ops.Tanh(a).GradFn!.Name);
        Assert.Equal("SigmoidBackward0", Ops.Sigmoid(a).GradFn!.Name);
        Assert.Equal("ExpBackward0", Ops.Exp(a).GradFn!.Name);
        Assert.Equal("LogBackward0", Ops.Log(a).GradFn!.Name);
        Assert.Equal("ViewBackward0", a.Reshape(2, 1).GradFn!.Name);
        Assert.Equal("TransposeBackward0", m.Transpose(0, 1).GradFn!.Name);
        Assert.Equal("PermuteBackward0", m.T.GradFn!.Name);
        Assert.Equal([a, b], (a + b).GradFn!.Inputs);
    }

    [Fact]
    public void RequiresGrad_can_only_change_on_leaves()
    {
        Tensor y = Leaf(1) * 2f;
        Assert.True(y.RequiresGrad);
        Assert.False(y.IsLeaf);
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.Throws<InvalidOperationException>(() => y.AsParameter());
    }

    [Fact]
    public void AsParameter_and_EnsureGrad()
    {
        Tensor p = Tensor.Zeros(2, 3).AsParameter();
        Assert.True(p.IsParameter);
        Assert.True(p.RequiresGrad);
        Assert.Null(p.Grad);
        Tensor grad = p.EnsureGrad();
        Assert.Equal([2, 3], grad.Shape.ToArray());
        Assert.Same(grad, p.EnsureGrad());
        Assert.Throws<ArgumentException>(() => p.Grad = Tensor.Zeros(3, 2));
    }

    [Fact]
    public void The_engine_runs_a_node_whose_inputs_need_no_gradient()
    {
        // A layer node accumulates its parameters' gradients itself; its only input may be a constant.
        var node = new CountingNode(Tensor.Ones(2));
        var output = Tensor.Zeros(2);
        output.SetGradFn(node);
        Assert.False(output.IsLeaf);
        Assert.True(output.RequiresGrad);
        output.Sum().Backward();
        Assert.Equal(1, node.Calls);
        Assert.Null(node.SeenGrads![0]);
        Assert.Equal([1f, 1], node.SeenOutputGrad!);
    }

    [Fact]
    public void Each_node_runs_once_after_all_its_consumers()
    {
        Tensor x = Leaf(1, 2);
        var node = new CountingNode(x);
        var shared = Tensor.Zeros(2);
        shared.SetGradFn(node);
        (shared * 2f + shared * 3f).Sum().Backward();
        Assert.Equal(1, node.Calls);
        Assert.Equal([5f, 5], node.SeenOutputGrad!); // both consumers had contributed
    }

    [Fact]
    public void A_long_chain_does_not_overflow_the_stack()
    {
        Tensor x = Leaf(1);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++)
        {
            y = y + 1f;
        }

        y.Sum().Backward();
        Assert.Equal([1f], x.Grad!.ToArray());
    }

    private sealed class CountingNode(Tensor input) : GradFn("CountingBackward", input)
    {
        public int Calls { get; private set; }

        public float[]?[]? SeenGrads { get; private set; }

        public float[]? SeenOutputGrad { get; private set; }

        public override void Backward(ReadOnlySpan<float> outputGrad, float[]?[] inputGrads)
        {
            Calls++;
            SeenGrads = inputGrads;
            SeenOutputGrad = outputGrad.ToArray();
        }
    }
}
