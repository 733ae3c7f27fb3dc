using System;

namespace LayerGen;

/// <summary>
/// An optional interface of an <see cref="ILayer"/> for one optimisation: a backward that adds each
/// parameter's gradient into the parameter itself instead of its <see cref="Tensor.Grad"/>. With the output
/// gradient scaled by −lr, that is plain SGD's update done inside the backward, the gradient never stored:
/// what <see cref="Trainer"/> does when built with <c>updateInBackward: true</c>.
/// </summary>
/// <remarks>
/// Generated layers with parameters or children implement it when the generator proves that their backward
/// reads every parameter before writing that parameter's gradient and runs each child's backward once;
/// <see cref="Sequential"/> implements it for its children. A layer that holds no parameters needs no such
/// backward (its <see cref="ILayer.BackwardSpan"/> writes no parameter gradient), so generated layers without
/// parameters and children do not implement it, and the mode accepts them, and hand-written ones, as they are.
/// A layer with parameters that does not implement it is refused by that mode, with the reason.
/// </remarks>
public interface IBackwardIntoParameters
{
    /// <summary>
    /// Whether <see cref="BackwardSpanIntoParameters"/> may run now. A generated layer says true when its
    /// children say true (or hold no parameters) and no tensor is held twice; <see cref="Sequential"/> when every child says true and
    /// no layer with parameters sits at two positions. It may walk the layer tree (and allocate): ask once,
    /// not per step.
    /// </summary>
    bool CanBackwardIntoParameters { get; }

    /// <summary>
    /// <see cref="ILayer.BackwardSpan"/>, except that each parameter's gradient is added to the parameter
    /// itself, not to its <see cref="Tensor.Grad"/> (which is not touched).
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="CanBackwardIntoParameters"/> is false.</exception>
    void BackwardSpanIntoParameters(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved);
}
