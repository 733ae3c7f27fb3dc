using LayerGen;

namespace Digits;

/// <summary>
/// A multilayer perceptron for the digits, written as the chapter writes a layer: two built-in
/// <see cref="Linear"/> children and a ReLU between them in <c>Forward</c>. The generator compiles the
/// whole expression into one forward and one backward kernel for this layer
/// (<c>new DigitsMlp(64, 64, 10)</c> gets kernels with those sizes as constants).
/// </summary>
[Layer]
public partial class DigitsMlp(int inputs, int hidden, int classes)
{
    private readonly Linear fc1 = new(inputs, hidden);
    private readonly Linear fc2 = new(hidden, classes);

    /// <summary>Logits, one per class: fc2(relu(fc1(x))).</summary>
    private Tensor Forward(Tensor x) => fc2.Call(Ops.Relu(fc1.Call(x)));
}
