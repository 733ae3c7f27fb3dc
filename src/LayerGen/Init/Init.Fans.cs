using System;

namespace LayerGen;

// Gains and fans: the two numbers every variance-scaling scheme (Xavier, Kaiming) is built from.
public static partial class Init
{
    /// <summary>
    /// The recommended gain for <paramref name="nonlinearity"/>, as <c>torch.nn.init.calculate_gain</c>:
    /// 1 for linear, convolutions and sigmoid; 5/3 for tanh; √2 for ReLU; √(2 / (1 + slope²)) for leaky ReLU;
    /// 3/4 for SELU.
    /// </summary>
    /// <param name="nonlinearity">The activation that follows the initialised layer.</param>
    /// <param name="param">The leaky ReLU's negative slope (0.01 when null); ignored by the others.</param>
    /// <exception cref="ArgumentOutOfRangeException">An unknown <paramref name="nonlinearity"/>, or a non-finite slope.</exception>
    public static float CalculateGain(Nonlinearity nonlinearity, float? param = null) => (float)Gain(nonlinearity, param);

    /// <summary>
    /// Fan-in and fan-out of a weight of shape <paramref name="shape"/>, as PyTorch's
    /// <c>_calculate_fan_in_and_fan_out</c>: fan_in = shape[1] × receptive field, fan_out = shape[0] ×
    /// receptive field, where the receptive field is the product of shape[2..] (1 for a matrix).
    /// </summary>
    /// <remarks>
    /// PyTorch assumes the <c>[out, in, ...]</c> layout of <c>nn.Linear</c> and convolutions, and so does
    /// this: dimension 1 is the fan-in. A weight stored <c>[in, out]</c> (the chapter's <c>MyLinear</c>)
    /// has its fans swapped; Xavier is symmetric in them, and Kaiming takes <see cref="FanMode.FanOut"/>
    /// to scale by the real number of inputs.
    /// </remarks>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions.</exception>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(ReadOnlySpan<int> shape)
    {
        if (shape.Length < 2)
        {
            throw new ArgumentException(
                $"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape {Tensor.FormatShape(shape)})",
                nameof(shape));
        }

        long receptiveField = 1;
        for (int d = 2; d < shape.Length; d++)
        {
            receptiveField *= shape[d];
        }

        return (checked((int)(shape[1] * receptiveField)), checked((int)(shape[0] * receptiveField)));
    }

    /// <summary>The fans of <paramref name="tensor"/>'s shape; see <see cref="CalculateFanInAndFanOut(ReadOnlySpan{int})"/>.</summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return CalculateFanInAndFanOut(tensor.Shape);
    }

    // In double so that the derived bounds (e.g. √3 · gain / √fan) round once, at the end.
    private static double Gain(Nonlinearity nonlinearity, float? param)
    {
        switch (nonlinearity)
        {
            case Nonlinearity.Linear:
            case Nonlinearity.Conv1d:
            case Nonlinearity.Conv2d:
            case Nonlinearity.Conv3d:
            case Nonlinearity.ConvTranspose1d:
            case Nonlinearity.ConvTranspose2d:
            case Nonlinearity.ConvTranspose3d:
            case Nonlinearity.Sigmoid:
                return 1.0;
            case Nonlinearity.Tanh:
                return 5.0 / 3.0;
            case Nonlinearity.Relu:
                return Math.Sqrt(2.0);
            case Nonlinearity.LeakyRelu:
                double slope = param.HasValue ? param.Value : 0.01;
                if (!double.IsFinite(slope))
                {
                    throw new ArgumentOutOfRangeException(nameof(param), param, "negative_slope is not a valid number");
                }

                return Math.Sqrt(2.0 / (1.0 + slope * slope));
            case Nonlinearity.Selu:
                return 3.0 / 4.0;
            default:
                throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, $"Unsupported nonlinearity {nonlinearity}");
        }
    }

    private static int Fan(ReadOnlySpan<int> shape, FanMode mode)
    {
        (int fanIn, int fanOut) = CalculateFanInAndFanOut(shape);
        return mode switch
        {
            FanMode.FanIn => fanIn,
            FanMode.FanOut => fanOut,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Mode must be FanIn or FanOut"),
        };
    }
}
