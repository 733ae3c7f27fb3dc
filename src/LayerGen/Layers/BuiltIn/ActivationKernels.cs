using System;
using System.ComponentModel;

namespace LayerGen;

// The element-wise built-ins' generated kernels, reachable from a user's assembly: a generated whole-model training
// step (GeneratedTrainingStep) calls them directly, with no interface call and no length checks between layers (the
// step checks its own lengths once). The kernels themselves are the ones ForwardSpan and BackwardSpan run.

public partial class ReLU
{
    /// <summary>ReLU's kernels without the span API's length checks. For generated code; not a stable API.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class UncheckedKernels
    {
        /// <summary>The kernels' workspace for <paramref name="rows"/> elements.</summary>
        public static int SavedLength(int rows) => Kernels.SavedLength(rows);

        /// <summary><see cref="ReLU.ForwardSpan"/>'s kernel.</summary>
        public static void Forward(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved) => Kernels.Forward(rows, input, output, saved);

        /// <summary><see cref="ReLU.BackwardSpan"/>'s kernel (accumulates into <paramref name="inputGrad"/>).</summary>
        public static void Backward(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved) =>
            Kernels.Backward(rows, input, output, outputGrad, inputGrad, saved);
    }
}

public partial class Tanh
{
    /// <summary>Tanh's kernels without the span API's length checks. For generated code; not a stable API.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class UncheckedKernels
    {
        /// <summary>The kernels' workspace for <paramref name="rows"/> elements.</summary>
        public static int SavedLength(int rows) => Kernels.SavedLength(rows);

        /// <summary><see cref="Tanh.ForwardSpan"/>'s kernel.</summary>
        public static void Forward(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved) => Kernels.Forward(rows, input, output, saved);

        /// <summary><see cref="Tanh.BackwardSpan"/>'s kernel (accumulates into <paramref name="inputGrad"/>).</summary>
        public static void Backward(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved) =>
            Kernels.Backward(rows, input, output, outputGrad, inputGrad, saved);
    }
}

public partial class Sigmoid
{
    /// <summary>Sigmoid's kernels without the span API's length checks. For generated code; not a stable API.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class UncheckedKernels
    {
        /// <summary>The kernels' workspace for <paramref name="rows"/> elements.</summary>
        public static int SavedLength(int rows) => Kernels.SavedLength(rows);

        /// <summary><see cref="Sigmoid.ForwardSpan"/>'s kernel.</summary>
        public static void Forward(int rows, ReadOnlySpan<float> input, Span<float> output, Span<float> saved) => Kernels.Forward(rows, input, output, saved);

        /// <summary><see cref="Sigmoid.BackwardSpan"/>'s kernel (accumulates into <paramref name="inputGrad"/>).</summary>
        public static void Backward(int rows, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGrad, Span<float> inputGrad, Span<float> saved) =>
            Kernels.Backward(rows, input, output, outputGrad, inputGrad, saved);
    }
}
