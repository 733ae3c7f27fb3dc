namespace LayerGen.Tests.Training;

/// <summary>
/// A layer private to the class it is nested in: generated code elsewhere in the assembly cannot name it, so a model
/// holding it has no generated step and trains layer by layer.
/// </summary>
public static partial class PrivateStepBlocks
{
    /// <summary>Linear(3, 4) and then the private layer.</summary>
    public static ILayer Model() => new Sequential(new Linear(3, 4), new Hidden(4));

    /// <summary>The private layer alone.</summary>
    public static ILayer Alone() => new Hidden(4);

    [Layer]
    private partial class Hidden(int n)
    {
        [Parameter] private Tensor gain = Tensor.Randn(n);

        private Tensor Forward(Tensor x) => Ops.Tanh(x * gain);
    }
}
