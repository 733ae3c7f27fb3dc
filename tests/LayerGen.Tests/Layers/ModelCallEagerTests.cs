using System;
using System.Collections.Generic;
using System.Linq;
using LayerGen.Tests.Runtime;
using Xunit;

namespace LayerGen.Tests.Layers;

/// <summary>
/// A whole model run both ways through the <see cref="ILayer"/> contract alone: <see cref="ILayer.Call"/>
/// (generated kernels) and <see cref="ILayer.CallEager"/> (every forward definition as written, on the
/// eager reference ops). Outputs and the gradients of the input and of every parameter must agree, and
/// the eager graph must really be made of eager ops, not of the layers' generated backward nodes.
/// </summary>
[Collection(GlobalRandomCollection.Name)] // the layers draw their initial weights from the global stream
public class ModelCallEagerTests
{
    public ModelCallEagerTests() => Tensor.ManualSeed(2718);

    /// <summary>The chapter's layers, the built-in ones, a nested Sequential and a hand-written layer.</summary>
    private static ILayer Model() => new Sequential(
        new MyLinear(6, 8),
        new Linear(8, 5),
        new ReLU(),
        new CenteredLayer(),
        new Sequential(new Linear(5, 4), new Tanh()),
        new HandLinear(4, 3, new Random(5)),
        new Sigmoid());

    [Fact]
    public void A_sequential_model_runs_eagerly_through_ILayer_and_agrees_with_its_generated_path()
    {
        ILayer model = Model();
        Tensor x = Tensor.Randn(5, 6);
        x.RequiresGrad = true;

        Tensor generated = model.Call(x);
        Tensor dy = Tensor.Randn(generated.Shape.ToArray());
        generated.Backward(dy, retainGraph: true);
        Dictionary<string, float[]> generatedGrads = Gradients(model, x);

        model.ZeroGrad();
        x.Grad = null;
        Tensor eager = model.CallEager(x);
        eager.Backward(dy, retainGraph: true);
        Dictionary<string, float[]> eagerGrads = Gradients(model, x);

        Assert.Equal(generated.Shape.ToArray(), eager.Shape.ToArray());
        Close("output", eager.Data, generated.Data);
        Assert.Equal(generatedGrads.Keys.Order(), eagerGrads.Keys.Order());
        foreach (var (name, grad) in eagerGrads)
        {
            Close($"d/d{name}", grad, generatedGrads[name]);
        }

        // Which path ran: the generated one records one node per leaf layer, named after it; the eager
        // one records PyTorch's op nodes (AddBackward0, MmBackward0, ...), and none of a layer's.
        string[] layerNodes = ["MyLinearBackward", "LinearBackward", "ReLUBackward", "CenteredLayerBackward", "TanhBackward", "HandLinearBackward", "SigmoidBackward"];
        Assert.Equal(layerNodes.Order(), NodeNames(generated).Order());
        Assert.Empty(NodeNames(eager).Intersect(layerNodes));
    }

    [Fact]
    public void Sequential_CallEager_is_its_children_CallEager_in_order()
    {
        var children = new ILayer[] { new MyLinear(3, 4), new Tanh(), new Linear(4, 2) };
        ILayer model = new Sequential(children);
        Tensor x = Tensor.Randn(2, 3);

        Tensor byHand = x;
        foreach (ILayer child in children)
        {
            byHand = child.CallEager(byHand);
        }

        Assert.Equal(byHand.Data, model.CallEager(x).Data);
    }

    [Fact]
    public void A_layer_with_children_runs_them_eagerly_inside_its_own_CallEager()
    {
        // TanhMlp's forward calls fc1.Call(x) and fc2.Call(h): inside CallEager those run their definitions.
        var mlp = new LayerGen.Tests.Layers.Children.TanhMlp(3, 5, 2);
        var x = Tensor.Randn(4, 3);
        x.RequiresGrad = true;
        Assert.Contains("TanhMlpBackward", NodeNames(mlp.Call(x)));
        var eager = mlp.CallEager(x);
        Assert.Empty(NodeNames(eager).Intersect(["TanhMlpBackward", "LinearBackward"]));
        Assert.Contains("LinearBackward", NodeNames(mlp.First.Call(x))); // the scope closed with the call
        Close("TanhMlp output", mlp.Call(x).ToArray(), eager.ToArray());
    }

    [Fact]
    public void An_empty_sequential_is_the_identity_eagerly_too()
    {
        ILayer empty = new Sequential();
        Tensor x = Tensor.Randn(2, 3);
        Assert.Same(x, empty.CallEager(x));
        Assert.Same(x, empty.Call(x));
    }

    private static Dictionary<string, float[]> Gradients(ILayer model, Tensor x)
    {
        var grads = new Dictionary<string, float[]> { ["input"] = x.Grad!.ToArray() };
        foreach (var (name, parameter) in model.NamedParameters())
        {
            grads[name] = parameter.Grad!.ToArray();
        }

        return grads;
    }

    /// <summary>The distinct names of the autograd nodes behind <paramref name="output"/>.</summary>
    private static HashSet<string> NodeNames(Tensor output)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Tensor>([output]);
        while (pending.TryPop(out Tensor? t))
        {
            if (!seen.Add(t) || t.GradFn is not { } node)
            {
                continue;
            }

            names.Add(node.Name);
            foreach (Tensor input in node.Inputs)
            {
                pending.Push(input);
            }
        }

        return names;
    }

    /// <summary>
    /// Both paths compute in float32 from the same inputs, differing only in the order of operations
    /// (fused loops and vector lanes against one op at a time): 1e-5 absolute + 1e-5 relative.
    /// </summary>
    private static void Close(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= 1e-5 + (1e-5 * Math.Abs(expected[i])),
                $"{what}[{i}]: eager {expected[i]:G9}, generated {actual[i]:G9}");
        }
    }
}
