using System;
using LayerGen.Tests.Layers.Children;
using Xunit;

namespace LayerGen.Tests.Parameters;

/// <summary>A D2L-style RNN step with parameters named as the book names them: no C# property can be called 'W_xh' beside the field.</summary>
[Layer]
public partial class CapitalNamedRnnStep(int inputs, int hiddens)
{
    [Parameter] private Tensor W_xh = Tensor.Randn(inputs, hiddens);
    [Parameter] private Tensor b_h = Tensor.Zeros(hiddens);

    private Tensor Forward(Tensor x) => Ops.Tanh(x.MatMul(W_xh) + b_h);
}

/// <summary><c>layer.GetParameter("fc1.weight")</c>, as torch's <c>module.get_parameter</c>.</summary>
public sealed class GetParameterTests
{
    [Fact]
    public void A_parameter_named_with_a_capital_is_reached_by_its_PyTorch_name_and_trains()
    {
        var step = new CapitalNamedRnnStep(3, 4);
        Tensor w = step.GetParameter("W_xh");
        Assert.Equal([3, 4], w.Shape);
        Assert.True(w.RequiresGrad);
        step.Call(Tensor.Randn(2, 3)).Sum().Backward();
        Assert.NotNull(w.Grad);
        Assert.Same(step.GetParameter("b_h"), step.GetParameter("b_h"));
    }

    [Fact]
    public void A_dotted_name_walks_the_children_and_finds_a_shared_parameter_under_each_name()
    {
        var mlp = new TanhMlp(6, 5, 3);
        Assert.Same(mlp.First.Weight, mlp.GetParameter("fc1.weight"));
        Assert.Same(mlp.Second.Bias, mlp.GetParameter("fc2.bias"));
        var shared = new TanhMlp(4, 4, 4);
        shared.Second.Weight = shared.First.Weight;
        Assert.Same(shared.GetParameter("fc1.weight"), shared.GetParameter("fc2.weight"));
    }

    [Theory]
    [InlineData("fc3.weight", "TanhMlp has no child 'fc3' (looking for parameter 'fc3.weight'); its children are 'fc1', 'fc2'.")]
    [InlineData("fc1.scale", "Linear has no parameter 'scale' (looking for 'fc1.scale'); its parameters are 'weight', 'bias'.")]
    [InlineData("weight", "TanhMlp has no parameter 'weight' (looking for 'weight'); its parameters are none.")]
    public void An_unknown_name_says_what_there_is(string target, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new TanhMlp(6, 5, 3).GetParameter(target));
        Assert.Equal(message, error.Message.Split(" (Parameter")[0]);
    }
}
