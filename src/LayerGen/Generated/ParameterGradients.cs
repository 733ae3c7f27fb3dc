using System;
using System.ComponentModel;

namespace LayerGen.Generated;

/// <summary>How a generated backward reaches a parameter's gradient buffer.</summary>
/// <remarks>For generated code; not a stable API.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParameterGradients
{
    /// <summary>
    /// <paramref name="parameter"/>'s gradient buffer (allocated if needed) and whether its contents count as
    /// zeros (<paramref name="overwrite"/>: after <see cref="Tensor.ZeroGrad"/>, or new). When true the buffer is
    /// not cleared: the kernel writes every element before adding to it.
    /// </summary>
    public static Span<float> Take(Tensor parameter, out bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.TakeGradForKernel(out overwrite).Data;
    }
}
