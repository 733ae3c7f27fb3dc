using LayerGen;
using LayerGen.Tests.Layers.RunTimeBranches;

namespace LayerGen.Tests.Layers.Switches;

/// <summary>Three activations to choose from, one of them by the discard arm.</summary>
public enum Activation
{
    Relu,
    Tanh,
    Identity,
}

/// <summary>A linear layer whose nonlinearity a switch expression on an enum hyperparameter chooses.</summary>
[Layer]
public partial class SwitchedLinear(int inUnits, int units, Activation activation)
{
    [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
    [Parameter] Tensor bias = Tensor.Randn(units);

    Tensor Forward(Tensor x)
    {
        var h = x.MatMul(weight) + bias;
        var act = activation switch
        {
            Activation.Relu => Ops.Relu(h),
            Activation.Tanh => Ops.Tanh(h),
            _ => h,
        };
        return act;
    }
}

/// <summary>
/// The same choice as a switch statement returning from each section, on an enum whose named members the sections all
/// cover (no default), and a switch expression on a bool hyperparameter.
/// </summary>
[Layer]
public partial class SwitchStatementLinear(int inUnits, int units, Nonlinearity nonlinearity, bool scaled)
{
    [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
    [Parameter] Tensor bias = Tensor.Randn(units);

    Tensor Forward(Tensor x)
    {
        var h = scaled switch { true => x.MatMul(weight) * 0.5f + bias, false => x.MatMul(weight) + bias };
        switch (nonlinearity)
        {
            case Nonlinearity.Relu:
                return Ops.Relu(h);
            case Nonlinearity.Tanh:
                h = Ops.Tanh(h);
                break;
        }

        return h * 2f;
    }
}

/// <summary>A switch on a size with constant arms, decided at compile time: only the arm matching heads is built.</summary>
[Layer(Input = "[*, d]")]
public partial class HeadsSwitch(int d, int heads)
{
    [Parameter] Tensor w = Tensor.Randn(d, d);

    Tensor Forward(Tensor x) => heads switch
    {
        1 => x.MatMul(w),
        > 1 and < 4 => x.Reshape(-1, heads, d / heads).Softmax(-1).Reshape(-1, d).MatMul(w),
        _ => x,
    };
}
